// Session keys as OpenClaw spells them, parsed once for every layer:
//   agent:<id>:main                 the agent's main session
//   agent:<id>:subagent:<uuid>      a spawned subagent's session
//   agent:<id>:<channel>:<...>      a channel conversation (e.g. agent:manager:slack:T1:C2)
//   agent:<id>:<name>               any other named session (e.g. agent:manager:incident-42)
// Names are bounded and printable: letters, digits and . _ - : @ / + only.

export type SessionKeyKind = 'main' | 'subagent' | 'channel' | 'named';
export interface ParsedKey { agentId: string; kind: SessionKeyKind; rest: string }

const KEY = /^agent:([a-z0-9][a-z0-9_-]{0,63}):(.{1,400})$/;
const SUBAGENT = /^subagent:[A-Za-z0-9-]{1,100}$/;
const CHANNEL = /^[a-z0-9_-]+:[\w.:@/-]{1,300}$/;
const NAMED = /^[A-Za-z0-9][\w.:@/+-]{0,399}$/;

/** The accepted forms, for error messages. */
export const SESSION_KEY_FORMS = 'agent:<id>:main, agent:<id>:<name> (e.g. agent:manager:incident-42; letters, digits and . _ - : @ / +), or agent:<id>:subagent:<uuid>';

export function parseSessionKey(key: string): ParsedKey | null {
  const m = KEY.exec(key);
  if (!m) return null;
  const agentId = m[1]!;
  const rest = m[2]!;
  if (rest === 'main') return { agentId, kind: 'main', rest };
  // subagent: is reserved for spawned sessions, whose suffix is a UUID.
  if (rest.startsWith('subagent:')) return SUBAGENT.test(rest) ? { agentId, kind: 'subagent', rest } : null;
  if (CHANNEL.test(rest)) return { agentId, kind: 'channel', rest };
  if (NAMED.test(rest)) return { agentId, kind: 'named', rest };
  return null;
}

export const mainSessionKey = (agentId: string): string => `agent:${agentId}:main`;
