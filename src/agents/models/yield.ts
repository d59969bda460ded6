// Lets a model stream hand the event loop back to everyone else: `due()` turns true once the
// current slice has run for `sliceMs`, and `pause()` resumes on the next loop iteration (after
// pending I/O), so a long reply never holds the process for more than one slice.
import { setImmediate as nextIteration } from 'node:timers/promises';

export const YIELD_SLICE_MS = 5;

export interface Yielder { due(): boolean; pause(): Promise<void> }

export function createYielder(sliceMs = YIELD_SLICE_MS, now: () => number = () => performance.now()): Yielder {
  let sliceStart = now();
  return {
    due: () => now() - sliceStart >= sliceMs,
    async pause() { await nextIteration(); sliceStart = now(); },
  };
}
