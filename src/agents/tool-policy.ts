// Which tools an agent's runs may call, with OpenClaw's semantics (docs/agents.md#tool-policy):
// a base set from `tools.profile` (unset or "full" = every tool) plus `alsoAllow`, narrowed by
// the global and then the per-agent `allow`, then every `deny` removes (deny wins), then the
// subagent layer for runs started by another run. Entries are tool names, `group:<name>` or
// `*` patterns, matched case-insensitively. Pure: no config loading, no I/O.

import type { TOOL_PROFILES } from '../config/schema.js';

export type ToolProfile = (typeof TOOL_PROFILES)[number];

/** One policy scope: top-level `tools`, `agents.list[].tools` or `tools.subagents.tools`. */
export interface ToolPolicyScope {
  readonly profile?: ToolProfile | undefined;
  readonly allow?: readonly string[] | undefined;
  readonly alsoAllow?: readonly string[] | undefined;
  readonly deny?: readonly string[] | undefined;
}

/** OpenClaw 2026.9's tool groups (names only; most of these tools do not exist in clawgate). */
export const TOOL_GROUPS: Readonly<Record<string, readonly string[]>> = {
  'group:runtime': ['exec', 'process', 'code_execution', 'bash'],
  'group:fs': ['read', 'write', 'edit', 'apply_patch'],
  'group:sessions': ['sessions', 'sessions_list', 'sessions_history', 'sessions_search', 'conversations_list', 'conversations_send', 'conversations_turn', 'sessions_send', 'sessions_spawn', 'sessions_yield', 'subagents', 'session_status', 'suggest_task', 'dismiss_task'],
  'group:memory': ['memory_search', 'memory_get'],
  'group:web': ['web_search', 'x_search', 'web_fetch'],
  'group:ui': ['browser', 'screen', 'theme', 'dashboard', 'terminal', 'portal', 'canvas', 'show_widget'],
  'group:automation': ['heartbeat_respond', 'automations', 'cron', 'gateway', 'plugins', 'openclaw'],
  'group:messaging': ['message'],
  'group:nodes': ['nodes', 'computer'],
  'group:agents': ['agents_list', 'get_goal', 'create_goal', 'update_goal', 'progress_card', 'ask_user', 'skill_workshop'],
  'group:media': ['view_image', 'image_generate', 'music_generate', 'video_generate', 'tts', 'pdf'],
  'group:plugins': [],
};
const FS_RUNTIME_CANVAS = new Set(['read', 'write', 'edit', 'apply_patch', 'exec', 'process', 'bash', 'canvas']);
/** A Map, so config strings such as "__proto__" never reach Object.prototype. */
const GROUPS: ReadonlyMap<string, readonly string[]> = new Map([
  ...Object.entries(TOOL_GROUPS),
  ['group:openclaw', Object.entries(TOOL_GROUPS).filter(([g]) => g !== 'group:plugins').flatMap(([, t]) => t).filter((t) => !FS_RUNTIME_CANVAS.has(t))],
]);

/** Base allowlists of the limited profiles ("full" and unset do not filter). */
const PROFILE_TOOLS: Readonly<Record<Exclude<ToolProfile, 'full'>, readonly string[]>> = {
  minimal: ['session_status', 'gateway'],
  coding: ['group:fs', 'group:runtime', 'group:web', 'group:sessions', 'group:memory', 'cron', 'gateway', 'get_goal', 'create_goal', 'update_goal', 'progress_card', 'ask_user', 'skill_workshop', 'view_image', 'image_generate', 'music_generate', 'video_generate', 'theme'],
  messaging: ['group:messaging', 'sessions', 'sessions_list', 'sessions_history', 'sessions_search', 'conversations_list', 'conversations_send', 'conversations_turn', 'sessions_send', 'sessions_spawn', 'sessions_yield', 'subagents', 'session_status', 'gateway', 'ask_user', 'theme'],
};

/** Every tool name OpenClaw knows, for telling an OpenClaw tool clawgate lacks from a typo. */
export const OPENCLAW_TOOL_NAMES: ReadonlySet<string> = new Set([...Object.values(TOOL_GROUPS).flat(), 'image', 'image_generate', 'tts', 'pdf']);

const escapeRe = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

/** One allow/deny entry as a predicate over tool names. */
function matcher(entry: string): (tool: string) => boolean {
  const e = entry.trim().toLowerCase();
  if (e === '') return () => false;
  const group = GROUPS.get(e);
  if (group) { const members = new Set(group); return (t) => members.has(t.toLowerCase()); }
  if (e.includes('*')) {
    const re = new RegExp(`^${e.split('*').map(escapeRe).join('.*')}$`);
    return (t) => re.test(t.toLowerCase());
  }
  return (t) => t.toLowerCase() === e;
}

const matchesAny = (entries: readonly string[], tool: string) => entries.some((e) => matcher(e)(tool));

/** How an entry relates to clawgate's tools, for config validation. */
export function classifyToolEntry(entry: string, clawgateTools: readonly string[]): 'ok' | 'openclaw-only' | 'unknown' {
  const e = entry.trim().toLowerCase();
  if (e.includes('*') || GROUPS.has(e)) return 'ok';
  if (clawgateTools.some((t) => t.toLowerCase() === e)) return 'ok';
  return OPENCLAW_TOOL_NAMES.has(e) ? 'openclaw-only' : 'unknown';
}

export interface ResolveToolsInput {
  /** The tools clawgate has. */
  readonly tools: readonly string[];
  /** Top-level `tools`. */
  readonly global?: ToolPolicyScope | undefined;
  /** `agents.list[].tools`. */
  readonly agent?: ToolPolicyScope | undefined;
  /** `tools.subagents.tools`, applied only when `subagent` is true. */
  readonly subagentPolicy?: ToolPolicyScope | undefined;
  readonly subagent?: boolean | undefined;
}

/** The names (from `tools`) a run may call. Each layer only narrows; deny always wins. */
export function resolveAllowedTools(input: ResolveToolsInput): string[] {
  const { global, agent } = input;
  const profile = agent?.profile ?? global?.profile;
  const also = [...(global?.alsoAllow ?? []), ...(agent?.alsoAllow ?? [])];
  let set = profile === undefined || profile === 'full'
    ? [...input.tools]
    : input.tools.filter((t) => matchesAny(PROFILE_TOOLS[profile], t) || matchesAny(also, t));
  if (global?.allow) set = set.filter((t) => matchesAny(global.allow!, t));
  if (agent?.allow) set = set.filter((t) => matchesAny(agent.allow!, t));
  const deny = [...(global?.deny ?? []), ...(agent?.deny ?? [])];
  set = set.filter((t) => !matchesAny(deny, t));
  if (input.subagent && input.subagentPolicy) {
    const sp = input.subagentPolicy;
    if (sp.allow) set = set.filter((t) => matchesAny(sp.allow!, t));
    set = set.filter((t) => !matchesAny(sp.deny ?? [], t));
  }
  return set;
}

/** `tools.agentToAgent`: may agent `from` reach a session of agent `to`? Same agent: always. */
export function agentToAgentAllowed(policy: { readonly enabled?: boolean | undefined; readonly allow?: readonly string[] | undefined } | undefined, from: string, to: string): boolean {
  if (from === to) return true;
  if (policy?.enabled === false) return false;
  const allow = policy?.allow ?? [];
  if (allow.length === 0) return true;
  // Exact ids are case-sensitive, patterns with "*" are not (OpenClaw's rule).
  const ok = (id: string) => allow.some((e) => {
    const t = e.trim();
    if (t === '') return false;
    if (!t.includes('*')) return t === id;
    return new RegExp(`^${t.toLowerCase().split('*').map(escapeRe).join('.*')}$`).test(id.toLowerCase());
  });
  return ok(from) && ok(to);
}
