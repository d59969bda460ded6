// Benchmark load generator on a worker thread, so client-side work does not share the gateway's event loop; runs one measurement job per message and posts back the Rate.
import { parentPort } from 'node:worker_threads';
import { echoOnce, handshakeOnce, measureRate, openPinger, type ClientOpts, type Rate } from './plain-ws.js';
import { streamFromGateway, streamFromPlain, type StreamResult } from './stream.js';

export type LoadJob =
  | { kind: 'echo-once'; url: string; opts: ClientOpts; bounds: { maxCount: number; maxMs: number; concurrency?: number } }
  | { kind: 'handshake'; url: string; params: Record<string, unknown>; opts: ClientOpts; bounds: { maxCount: number; maxMs: number; concurrency?: number } }
  | { kind: 'round-trips'; url: string; connectParams?: Record<string, unknown>; opts: ClientOpts; bounds: { maxCount: number; maxMs: number } }
  | { kind: 'stream-gateway'; url: string; token: string; words: number; runId: string }
  | { kind: 'stream-plain'; url: string };

async function run(job: LoadJob): Promise<Rate | StreamResult> {
  switch (job.kind) {
    case 'stream-gateway': return streamFromGateway(job.url, job.token, job.words, job.runId);
    case 'stream-plain': return streamFromPlain(job.url);
    case 'echo-once': return measureRate(() => echoOnce(job.url, job.opts), job.bounds);
    case 'handshake': return measureRate(() => handshakeOnce(job.url, job.params, job.opts), job.bounds);
    case 'round-trips': {
      const pinger = await openPinger(job.url, { ...job.opts, ...(job.connectParams ? { connectParams: job.connectParams } : {}) });
      try {
        return await measureRate((i) => pinger.roundTrip(`{"type":"req","id":"h${i}","method":"health","params":{}}`, `h${i}`), job.bounds);
      } finally {
        pinger.close();
      }
    }
  }
}

parentPort?.on('message', (job: LoadJob) => {
  run(job).then(
    (rate) => parentPort!.postMessage({ ok: true, rate }),
    (err: unknown) => parentPort!.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
});
