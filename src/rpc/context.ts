// What method families may use: read-only gateway facts plus the services built by main.ts.
import type { FrozenConfig } from '../config/load.js';
import type { Presence } from './presence.js';
import type { EventBus } from './events.js';

export interface GatewayFacts {
  readonly version: string;
  readonly startedAt: number;
  readonly hostname: string;
  readonly config: FrozenConfig;
  readonly connectionCount: () => number;
  /** The TCP port actually bound (differs from config when it was 0). */
  readonly listenPort: () => number;
}

export interface MethodServices {
  readonly facts: GatewayFacts;
  readonly presence: Presence;
  readonly bus: EventBus;
}

/** Run control, implemented by agents/runs.ts and injected by main.ts. */
export interface RunService {
  start(caller: import('./registry.js').CallerContext, input: {
    runId: string; message: string; agentId?: string | undefined; sessionKey?: string | undefined; label?: string | undefined;
    spawnedBy?: string | undefined; extraSystemPrompt?: string | undefined; timeoutMs?: number | undefined;
  }): { run: import('../store/types.js').RunRow; created: boolean; done: Promise<{ status: string; reply: string; error?: string | undefined }> };
  wait(caller: import('./registry.js').CallerContext, runId: string, timeoutMs: number): Promise<{ status: string; run: import('../store/types.js').RunRow | undefined }>;
  abort(caller: import('./registry.js').CallerContext, sessionKey: string, runId?: string): number;
}

export type SessionReader = Pick<import('../store/types.js').Store,
  'getSession' | 'getSessionById' | 'findSessionByLabel' | 'listSessions' | 'countSessions' | 'listMessages' | 'countMessages' | 'messagesNewestFirst' | 'getRun' | 'ensureSession' | 'deleteSession'>;
