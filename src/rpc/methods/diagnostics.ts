// diagnostics.stability and last-heartbeat, which `openclaw status --all` reads. The first is
// the gateway's stability recorder (rpc/stability.ts) in OpenClaw's snapshot shape; the second
// is OpenClaw's "no heartbeat yet" (null): clawgate runs no heartbeat turns.
import { num, obj, optional, str } from '../../protocol/schema.js';
import { defineMethod, type MethodDef } from '../registry.js';
import { STABILITY_CAPACITY, type StabilityRecorder } from '../stability.js';

export function diagnosticsMethods(recorder: StabilityRecorder): MethodDef[] {
  return [
    defineMethod({
      name: 'diagnostics.stability',
      params: obj({
        limit: optional(num({ int: true, min: 1, max: STABILITY_CAPACITY })),
        type: optional(str({ min: 1, max: 120 })),
        sinceSeq: optional(num({ int: true, min: 0 })),
      }),
      handle: (_ctx, p) => recorder.snapshot({ limit: p.limit, type: p.type?.trim() || undefined, sinceSeq: p.sinceSeq }),
    }),
    defineMethod({ name: 'last-heartbeat', params: obj({}), handle: () => null }),
  ];
}
