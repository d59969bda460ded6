// Who is who in the control UI: names for transcript senders and session owners, and whether
// one of them is the person looking at the page. Pure functions over the wire's principal ids
// (docs/agents.md#who-wrote-what).

/** Owner id of the gateway's own secret holders (token, password, local socket). */
const OPERATOR_KINDS = new Set(['token', 'password', 'local', 'none']);

/** A short human name for a sender or owner id: the person's name, or the agent's id. */
export function displayName(id: string | undefined): string {
  if (!id) return 'unknown';
  if (id.startsWith('trusted-proxy:')) return id.slice('trusted-proxy:'.length);
  if (id.startsWith('agent:')) return id.slice('agent:'.length);
  if (id.startsWith('slack:')) return `Slack ${id.slice('slack:'.length)}`;
  if (id === 'operator') return 'the gateway operator';
  if (id === 'token') return 'token holder';
  if (id === 'password') return 'password holder';
  if (id === 'local') return 'local operator';
  return id;
}

/** Whether the id names an agent rather than a person. */
export const isAgent = (id: string | undefined): boolean => !!id && id.startsWith('agent:');

/** Trusted-proxy owners compare after NFC and case folding, as the gateway does. */
const fold = (id: string): string => id.normalize('NFC').toLowerCase();

/** Whether `id` (a sender or an owner) is the signed-in principal `me` (status.you.principal). */
export function isMe(id: string | undefined, me: string): boolean {
  if (!id || !me) return false;
  if (id === me) return true;
  if (id === 'operator') return OPERATOR_KINDS.has(me);
  return id.startsWith('trusted-proxy:') && me.startsWith('trusted-proxy:') && fold(id) === fold(me);
}
