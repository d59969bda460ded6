// Session keys as OpenClaw spells them: agent:<id>:main, agent:<id>:subagent:<uuid>, and
// channel sessions agent:<id>:<channel>:<...>.

export interface ParsedKey { agentId: string; kind: 'main' | 'subagent' | 'channel'; rest: string }

const KEY = /^agent:([a-z0-9][a-z0-9_-]{0,63}):(.{1,400})$/;

export function parseSessionKey(key: string): ParsedKey | null {
  const m = KEY.exec(key);
  if (!m) return null;
  const rest = m[2]!;
  if (rest === 'main') return { agentId: m[1]!, kind: 'main', rest };
  if (/^subagent:[A-Za-z0-9-]{1,100}$/.test(rest)) return { agentId: m[1]!, kind: 'subagent', rest };
  if (/^[a-z0-9_-]+:[\w.:@/-]{1,300}$/.test(rest)) return { agentId: m[1]!, kind: 'channel', rest };
  return null;
}

export const mainSessionKey = (agentId: string): string => `agent:${agentId}:main`;
