// The embedded default configuration used when no config file exists: loopback, token auth
// with a generated token, and a manager agent that may spawn a worker, both on the built-in
// deterministic `scripted` model so the whole flow runs with no API key.

export const EMBEDDED_DEFAULTS = {
  gateway: {
    port: 18789,
    mode: 'local',
    bind: 'loopback',
    auth: { mode: 'token' },
  },
  agents: {
    defaults: { model: 'scripted' },
    list: [
      {
        id: 'manager',
        name: 'Manager',
        default: true,
        systemPrompt: 'You coordinate work and delegate tasks to worker agents.',
        tools: { allow: ['sessions_list', 'sessions_history', 'sessions_send', 'sessions_spawn', 'agents_list'] },
        subagents: { allowAgents: ['worker'] },
      },
      {
        id: 'worker',
        name: 'Worker',
        systemPrompt: 'You carry out one task and report the result.',
        tools: { allow: ['sessions_list', 'agents_list'] },
      },
    ],
  },
} as const;
