// Unit tests for OpenClaw's tool policy layers: profile, alsoAllow, allow, deny, groups, wildcards,
// the subagent layer and tools.agentToAgent.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { agentToAgentAllowed, classifyToolEntry, resolveAllowedTools } from './tool-policy.js';

const TOOLS = ['sessions_list', 'sessions_history', 'sessions_send', 'sessions_spawn', 'agents_list'];
const resolve = (input: Omit<Parameters<typeof resolveAllowedTools>[0], 'tools'>) => resolveAllowedTools({ tools: TOOLS, ...input });

describe('tool policy (OpenClaw semantics)', () => {
  it('gives every tool when nothing is configured (OpenClaw\'s unset profile), and with profile "full"', () => {
    assert.deepEqual(resolve({}), TOOLS);
    assert.deepEqual(resolve({ agent: {} }), TOOLS);
    assert.deepEqual(resolve({ global: { profile: 'full' } }), TOOLS);
  });
  it('narrows to the profile\'s base set; alsoAllow adds to it', () => {
    assert.deepEqual(resolve({ global: { profile: 'minimal' } }), []);
    assert.deepEqual(resolve({ global: { profile: 'messaging' } }), ['sessions_list', 'sessions_history', 'sessions_send', 'sessions_spawn']);
    assert.deepEqual(resolve({ global: { profile: 'coding' } }), ['sessions_list', 'sessions_history', 'sessions_send', 'sessions_spawn']);
    assert.deepEqual(resolve({ global: { profile: 'minimal', alsoAllow: ['agents_list'] } }), ['agents_list']);
    assert.deepEqual(resolve({ global: { profile: 'minimal' }, agent: { alsoAllow: ['group:agents'] } }), ['agents_list']);
  });
  it('a per-agent profile overrides the global one', () => {
    assert.deepEqual(resolve({ global: { profile: 'minimal' }, agent: { profile: 'full' } }), TOOLS);
    assert.deepEqual(resolve({ global: { profile: 'full' }, agent: { profile: 'minimal' } }), []);
  });
  it('each allow layer only narrows: global allow, then the agent\'s', () => {
    assert.deepEqual(resolve({ agent: { allow: ['sessions_list'] } }), ['sessions_list']);
    assert.deepEqual(resolve({ global: { allow: ['sessions_*'] }, agent: { allow: ['sessions_list', 'agents_list'] } }), ['sessions_list']);
    assert.deepEqual(resolve({ agent: { allow: [] } }), [], 'an explicit empty allowlist allows nothing');
  });
  it('deny wins over allow, alsoAllow and profiles, at either level', () => {
    assert.deepEqual(resolve({ agent: { allow: ['*'], deny: ['sessions_spawn'] } }), ['sessions_list', 'sessions_history', 'sessions_send', 'agents_list']);
    assert.deepEqual(resolve({ global: { deny: ['group:sessions'] }, agent: { allow: ['sessions_spawn', 'agents_list'] } }), ['agents_list']);
    assert.deepEqual(resolve({ global: { profile: 'minimal', alsoAllow: ['agents_list'], deny: ['AGENTS_*'] } }), []);
  });
  it('matches case-insensitively, expands groups and never invents tools', () => {
    assert.deepEqual(resolve({ agent: { allow: ['Sessions_Spawn'] } }), ['sessions_spawn']);
    assert.deepEqual(resolve({ agent: { allow: ['group:openclaw'] } }), TOOLS);
    assert.deepEqual(resolve({ agent: { allow: ['browser', 'exec'] } }), []);
    assert.deepEqual(resolve({ agent: { allow: ['.*'] } }), [], 'regex characters are literal');
  });
  it('applies tools.subagents.tools only to subagent runs', () => {
    const subagentPolicy = { allow: ['sessions_*'], deny: ['sessions_spawn'] };
    assert.deepEqual(resolve({ subagentPolicy, subagent: false }), TOOLS);
    assert.deepEqual(resolve({ subagentPolicy, subagent: true }), ['sessions_list', 'sessions_history', 'sessions_send']);
  });
  it('classifies entries: clawgate tools, OpenClaw-only names, typos', () => {
    assert.equal(classifyToolEntry('sessions_spawn', TOOLS), 'ok');
    assert.equal(classifyToolEntry('group:fs', TOOLS), 'ok');
    assert.equal(classifyToolEntry('web_*', TOOLS), 'ok');
    assert.equal(classifyToolEntry('browser', TOOLS), 'openclaw-only');
    assert.equal(classifyToolEntry('sesions_spawn', TOOLS), 'unknown');
    assert.equal(classifyToolEntry('constructor', TOOLS), 'unknown');
    assert.equal(classifyToolEntry('__proto__', TOOLS), 'unknown');
  });
});

describe('tools.agentToAgent', () => {
  it('is on by default, always allows the same agent, and can be turned off', () => {
    assert.equal(agentToAgentAllowed(undefined, 'a', 'b'), true);
    assert.equal(agentToAgentAllowed({ allow: [] }, 'a', 'b'), true, 'an empty allow counts as unset');
    assert.equal(agentToAgentAllowed({ enabled: false }, 'a', 'b'), false);
    assert.equal(agentToAgentAllowed({ enabled: false }, 'a', 'a'), true);
  });
  it('needs both agents in allow; exact ids are case-sensitive, patterns are not; blank entries deny', () => {
    assert.equal(agentToAgentAllowed({ allow: ['home', 'work'] }, 'home', 'work'), true);
    assert.equal(agentToAgentAllowed({ allow: ['home'] }, 'home', 'work'), false);
    assert.equal(agentToAgentAllowed({ allow: ['Home', 'work'] }, 'home', 'work'), false);
    assert.equal(agentToAgentAllowed({ allow: ['HO*', 'w*'] }, 'home', 'work'), true);
    assert.equal(agentToAgentAllowed({ allow: [' '] }, 'home', 'work'), false);
  });
});
