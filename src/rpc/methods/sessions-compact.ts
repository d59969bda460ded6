// sessions.compact on the caller's own session (docs/auth.md, "Teams"). With `maxLines` it keeps
// the newest maxLines transcript messages and drops the rest (OpenClaw's truncation); without,
// it runs the default compaction (rpc/compaction.ts): the recent tail stays, older messages
// become one compaction entry. Either way a session with a run in progress is refused
// (SESSION_BUSY, retryable): the run is still reading and writing its transcript.
import { num, obj, optional } from '../../protocol/schema.js';
import { RpcError } from '../../protocol/error-codes.js';
import { defineMethod, type CallContext, type MethodDef } from '../registry.js';
import { callerOwner } from '../owner.js';
import { compactTranscript, type CompactionStore } from '../compaction.js';
import type { Store } from '../../store/types.js';
import { find, notFound, target } from './sessions-lifecycle.js';
import type { EventBus } from '../events.js';
import { publishSessionChanged, readRow } from '../session-events.js';

export type CompactStore = CompactionStore & Pick<Store, 'getSession' | 'truncateMessages'>;

/** A transcript that was cut is announced as `sessions.changed` (`compact`) to the owner's subscribed connections. */
export function sessionsCompactMethods(store: CompactStore, bus: EventBus, now: () => number = Date.now): MethodDef[] {
  const announce = (owner: string, key: string) => publishSessionChanged(bus, owner, key, 'compact', readRow(store, owner, key));
  return [
    defineMethod({
      name: 'sessions.compact',
      params: obj({ key: target.key, agentId: target.agentId, expectedSessionId: target.expectedSessionId, maxLines: optional(num({ int: true, min: 1, max: 1_000_000 })) }),
      handle: (ctx: CallContext, p) => {
        const owner = callerOwner(ctx);
        const row = find(store, owner, p);
        if (!row) throw notFound(p.key);
        if (row.status === 'running') {
          throw new RpcError('INVALID_REQUEST', `session ${p.key} has a run in progress: compact it when the run has ended`, { details: { code: 'SESSION_BUSY' }, retryable: true });
        }
        if (p.maxLines === undefined) {
          const r = compactTranscript(store, owner, p.key, now());
          if (r.compacted) announce(owner, p.key);
          return r.compacted
            ? { ok: true, key: p.key, compacted: true, kept: r.kept, removed: r.removed, result: { tokensBefore: r.tokensBefore, tokensAfter: r.tokensAfter } }
            : { ok: true, key: p.key, compacted: false, reason: r.reason };
        }
        const { before, after } = store.truncateMessages(owner, p.key, p.maxLines);
        if (before !== after) announce(owner, p.key);
        return before === after
          ? { ok: true, key: p.key, compacted: false, reason: `transcript has ${before} lines, within maxLines` }
          : { ok: true, key: p.key, compacted: true, kept: after, removed: before - after };
      },
    }),
  ];
}
