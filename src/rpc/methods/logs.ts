// logs.tail: the gateway's own recent log lines (redacted JSON), from the in-memory ring.
// OpenClaw's `openclaw logs` and the Control UI's Logs tab page through it with `cursor`.
import { num, obj, optional } from '../../protocol/schema.js';
import { defineMethod, type MethodDef } from '../registry.js';
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
      handle: (_ctx, p) => {
        const t = ring.tail({ cursor: p.cursor, limit: p.limit ?? 200, maxBytes: p.maxBytes ?? 250_000 });
        return { file: 'memory:gateway', ...t };
      },
    }),
  ];
}
