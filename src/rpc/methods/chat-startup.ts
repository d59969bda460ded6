// chat.startup (the Control UI's first read of a chat: the transcript tail plus the session row
// and model defaults), chat.metadata, agent.identity.get and models.authStatus.
import { bool, num, obj, optional, str } from '../../protocol/schema.js';
import { RpcError } from '../../protocol/error-codes.js';
import { assistantIdentity } from '../control-ui-bootstrap.js';
import { defineMethod, type MethodDef } from '../registry.js';
import { callerOwner } from '../owner.js';
import type { MethodServices, SessionReader } from '../context.js';
import { readHistoryPage } from '../history.js';
import { responseLimits } from '../paging.js';
import { toWireSession } from './sessions.js';

/** The Control UI asks for a small tail (limit 80); older messages come from chat.history pages. */
const STARTUP_LIMIT = 80;

export function chatStartupMethods(s: MethodServices, store: SessionReader): MethodDef[] {
  const cfg = s.facts.config;
  const limits = responseLimits(cfg.gateway.limits);
  const modelOf = (agentId: string | undefined) => {
    const ref = cfg.agents.list.find((a) => a.id === agentId)?.model ?? cfg.agents.defaults.model;
    const slash = ref.indexOf('/');
    return slash > 0 ? { modelProvider: ref.slice(0, slash), model: ref.slice(slash + 1) } : { modelProvider: 'clawgate', model: ref };
  };
  const agentOfKey = (key: string | undefined) => (key ? /^agent:([a-z0-9][a-z0-9_-]{0,63}):/.exec(key)?.[1] : undefined);
  return [
    defineMethod({
      name: 'chat.startup',
      params: obj({
        sessionKey: str({ min: 1, max: 500 }), agentId: optional(str({ max: 64 })), limit: optional(num({ int: true, min: 1, max: 1000 })), maxBytes: optional(num({ int: true, min: 1024 })),
        offset: optional(num({ int: true, min: 0 })), maxChars: optional(num({ int: true, min: 1, max: 500_000 })),
      }),
      handle: (ctx, p) => {
        const row = store.getSession(callerOwner(ctx), p.sessionKey);
        const agentId = row?.agentId ?? agentOfKey(p.sessionKey) ?? p.agentId;
        // The same bounded page as chat.history: an oversized message is cut with a marker, never dropped.
        const page = row ? readHistoryPage(store, row.owner, row.key, { ...p, limit: p.limit ?? STARTUP_LIMIT }, limits) : { messages: [], offset: p.offset ?? 0, hasMore: false, totalMessages: 0 };
        return {
          sessionKey: p.sessionKey, sessionId: row?.sessionId ?? null, ...page, pendingInputs: { items: [], total: 0 },
          defaults: { ...modelOf(agentId), contextTokens: null },
          ...(row ? { sessionInfo: toWireSession(row) } : {}),
        };
      },
    }),
    defineMethod({
      name: 'chat.metadata',
      params: obj({ sessionKey: optional(str({ min: 1, max: 500 })), agentId: optional(str({ max: 64 })) }),
      handle: (_ctx, p) => {
        const agentId = agentOfKey(p.sessionKey) ?? p.agentId ?? assistantIdentity(cfg)?.agentId;
        const m = modelOf(agentId);
        return { agentId, ...m, models: [{ id: m.model, provider: m.modelProvider, name: m.model }], commands: [], skills: [] };
      },
    }),
    defineMethod({
      name: 'agent.identity.get',
      params: obj({ agentId: optional(str({ min: 1, max: 64 })), sessionKey: optional(str({ min: 1, max: 500 })) }),
      handle: (_ctx, p) => {
        const id = assistantIdentity(cfg, p.agentId ?? agentOfKey(p.sessionKey));
        if (!id) throw new RpcError('INVALID_REQUEST', `unknown agent "${p.agentId ?? agentOfKey(p.sessionKey)}"`, { details: { code: 'NOT_FOUND' } });
        return id;
      },
    }),
    defineMethod({
      name: 'models.authStatus',
      params: obj({ agentId: optional(str({ max: 64 })), refresh: optional(bool()) }),
      // Provider keys come from the config or env at startup; nothing here expires or needs a login.
      handle: () => ({ ts: Date.now(), providers: [] }),
    }),
  ];
}
