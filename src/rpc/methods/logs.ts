// logs.tail: the gateway's own recent log lines (redacted JSON), from the in-memory ring.
// OpenClaw's `openclaw logs` and the Control UI's Logs tab page through it with `cursor`.
//
// The log names every person on the gateway, their session keys and addresses. So the
// gateway's own operator (holders of its token or password, the local listener, auth mode
// none: one owner) reads it with operator.read, as in OpenClaw, while a person vouched for by
// the proxy or a Slack user needs operator.admin (docs/auth.md#teams).
import { num, obj, optional } from '../../protocol/schema.js';
import { RpcError } from '../../protocol/error-codes.js';
import { OPERATOR } from '../../auth/decision.js';
import { defineMethod, type MethodDef } from '../registry.js';
import { callerOwner, seesEveryOwner } from '../owner.js';
import type { LogRing } from '../../util/log-ring.js';

export function logsMethods(ring: LogRing): MethodDef[] {
  return [
    defineMethod({
      name: 'logs.tail',
      params: obj({
        cursor: optional(num({ int: true, min: 0 })),
        limit: optional(num({ int: true, min: 1, max: 5_000 })),
        maxBytes: optional(num({ int: true, min: 1, max: 1_000_000 })),
      }),
      handle: (ctx, p) => {
        if (callerOwner(ctx) !== OPERATOR && !seesEveryOwner(ctx)) {
          throw new RpcError('FORBIDDEN', 'missing scope: operator.admin (the gateway log names every person on it)', {
            details: { code: 'MISSING_SCOPE', missingScope: 'operator.admin', requiredScopes: ['operator.admin'] },
          });
        }
        const t = ring.tail({ cursor: p.cursor, limit: p.limit ?? 200, maxBytes: p.maxBytes ?? 250_000 });
        return { file: 'memory:gateway', ...t };
      },
    }),
  ];
}
