// Roles, scopes and the one method→scope table. Unclassified methods need admin, so a new
// method is denied by default until it is placed here.

export const SCOPES = [
  'operator.admin', 'operator.read', 'operator.write', 'operator.approvals', 'operator.pairing', 'operator.talk.secrets',
] as const;
export type Scope = (typeof SCOPES)[number];
export const ROLES = ['operator', 'node'] as const;
export type Role = (typeof ROLES)[number];

const READ = 'operator.read' as const;
const WRITE = 'operator.write' as const;
const ADMIN = 'operator.admin' as const;
const APPROVALS = 'operator.approvals' as const;
const PAIRING = 'operator.pairing' as const;

/** Scope each method needs. Keep alphabetical within a scope. */
export const METHOD_SCOPES: Readonly<Record<string, Scope>> = Object.freeze({
  'agent.identity.get': READ,
  'agents.list': READ,
  'channels.status': READ,
  'chat.history': READ,
  // config.* is reserved for admin, except this read: config.get redacts every secret.
  'config.get': READ,
  'chat.metadata': READ,
  'chat.startup': READ,
  'commands.list': READ,
  'cron.list': READ,
  'cron.runs': READ,
  'cron.status': READ,
  'diagnostics.stability': READ,
  // config.* is admin-reserved; this read names no values: clawgate publishes an empty schema.
  'config.schema.lookup': READ,
  'diagnostics.lanes': READ,
  'doctor.memory.status': READ,
  'environments.list': READ,
  'artifacts.list': READ,
  'plugins.catalog.browse': READ,
  'sessions.usage': READ,
  'skills.library.list': READ,
  'skills.proposals.list': READ,
  'skills.search': READ,
  'skills.status': READ,
  'themes.list': READ,
  'tools.github.status': READ,
  'usage.status': READ,
  'webSearch.status': READ,
  'worktrees.list': READ,
  'models.authStatus': READ,
  'progressCard.get': READ,
  'sessions.branches.list': READ,
  'sessions.companion.state': READ,
  'sessions.describe': READ,
  'sessions.messages.subscribe': READ,
  'sessions.messages.unsubscribe': READ,
  'sessions.observer.visibility': READ,
  'sessions.subscribe': READ,
  'sessions.unsubscribe': READ,
  'plugins.list': READ,
  'talk.catalog': READ,
  'tasks.get': READ,
  'tasks.history': READ,
  'tasks.list': READ,
  'tools.effective': READ,
  'health': READ,
  'last-heartbeat': READ,
  'logs.tail': READ,
  'models.list': READ,
  'node.list': READ,
  'sessions.list': READ,
  'sessions.resolve': READ,
  'status': READ,
  'system-presence': READ,
  'agent': WRITE,
  'agent.wait': WRITE,
  'chat.abort': WRITE,
  'chat.send': WRITE,
  'sessions.create': WRITE,
  // Owner-scoped (docs/auth.md, "Teams"): a person deletes only their own sessions, so write
  // suffices where OpenClaw, with one operator per gateway, asks for admin.
  'sessions.compact': WRITE,
  'sessions.delete': WRITE,
  'sessions.patch': WRITE,
  'sessions.reset': WRITE,
  'sessions.send': WRITE,
  'question.list': WRITE,
  'exec.approvals.get': ADMIN,
  'migrations.memory.plan': ADMIN,
  'update.status': ADMIN,
  'channels.pairing.list': PAIRING,
  'device.pair.list': PAIRING,
  'node.pair.list': PAIRING,
  'approval.history': APPROVALS,
  'exec.approval.grants.list': APPROVALS,
  'exec.approval.list': APPROVALS,
  'openclaw.approval.list': APPROVALS,
  'plugin.approval.list': APPROVALS,
});

const ADMIN_PREFIXES = ['config.', 'exec.approvals.', 'wizard.', 'update.'];
/** Reads under a reserved prefix that OpenClaw also grants with operator.read. */
const PREFIX_EXCEPTIONS: ReadonlySet<string> = new Set(['config.get', 'config.schema.lookup']);

/** The scope a method requires; unknown methods and reserved prefixes need admin. */
export function requiredScope(method: string): Scope {
  const s = Object.hasOwn(METHOD_SCOPES, method) ? METHOD_SCOPES[method] : undefined;
  if (s && (PREFIX_EXCEPTIONS.has(method) || !ADMIN_PREFIXES.some((p) => method.startsWith(p)))) return s;
  return ADMIN;
}

/** Whether granted scopes satisfy `needed`: admin satisfies all, write satisfies read. */
export function hasScope(granted: readonly Scope[], needed: Scope): boolean {
  if (granted.includes(ADMIN) || granted.includes(needed)) return true;
  return needed === READ && granted.includes(WRITE);
}

export const isScope = (s: unknown): s is Scope => typeof s === 'string' && (SCOPES as readonly string[]).includes(s);
