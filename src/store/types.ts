// Persistence interface for sessions, runs and transcripts. The SQLite implementation is the
// only one today; agents and rpc depend on this interface, never on the driver.

import type { StoreHealth } from './guard.js';

export type SessionStatus = 'idle' | 'running' | 'done' | 'error' | 'interrupted' | 'aborted';
export type RunStatus = 'accepted' | 'running' | 'ok' | 'error' | 'aborted' | 'interrupted' | 'timeout';
export const FINAL_RUN_STATUSES: readonly RunStatus[] = ['ok', 'error', 'aborted', 'interrupted', 'timeout'];

export interface SessionRow {
  /** Whose session this is: an owner id from `ownerOf` (auth/decision.ts), e.g. `trusted-proxy:alice@example.com` or `operator`. */
  owner: string;
  key: string;
  sessionId: string;
  agentId: string;
  kind: 'main' | 'subagent' | 'channel' | 'named';
  label: string | null;
  spawnedBy: string | null;
  spawnedByRun: string | null;
  actingFor: string;
  depth: number;
  status: SessionStatus;
  model: string | null;
  lastRunId: string | null;
  createdAt: number;
  updatedAt: number;
  /** When the session was archived (hidden from default listings); null when it is not. */
  archivedAt: number | null;
}

export interface RunRow {
  /** The owner of the run's session; a run id is unique per owner (idempotency is per principal). */
  owner: string;
  runId: string;
  sessionKey: string;
  agentId: string;
  status: RunStatus;
  actingFor: string;
  parentRunId: string | null;
  parentSessionKey: string | null;
  depth: number;
  message: string;
  /** Transcript id of the user message the run was accepted with: its input and its position. */
  messageId: number;
  reply: string | null;
  error: string | null;
  createdAt: number;
  endedAt: number | null;
}

export type MessageRole = 'user' | 'assistant' | 'toolResult';

export type NewSession = Omit<SessionRow, 'createdAt' | 'updatedAt' | 'status' | 'lastRunId' | 'archivedAt'>;
export type NewRun = Omit<RunRow, 'status' | 'reply' | 'error' | 'endedAt' | 'createdAt' | 'messageId'>;

export interface MessageRow {
  id: number;
  sessionKey: string;
  runId: string | null;
  role: MessageRole;
  /** JSON content blocks as stored. */
  content: unknown;
  actingFor: string | null;
  /** Who wrote the entry: a principal id (`trusted-proxy:alice@example.com`, `token`, `slack:T1/U1`) or `agent:<agentId>`. */
  sender: string | null;
  createdAt: number;
}

/** A message as read for paging: with the UTF-8 size of its stored JSON content, known before anyone serialises it. */
export interface StoredMessage extends MessageRow {
  contentBytes: number;
}

export interface SessionFilter {
  /** Only this owner's sessions; omitted means every owner's (operator.admin views). */
  owner?: string;
  agentId?: string;
  spawnedBy?: string;
  label?: string;
  search?: string;
  activeSince?: number;
  /** false (default): not archived; true: archived only; 'all': both. */
  archived?: boolean | 'all';
  limit?: number;
}

/**
 * Sessions, runs and transcripts are owned: every key-based method takes the owner first, and a
 * session key or run id names something only within its owner (two people each have their own
 * `agent:manager:main` and their own run `hello-1`). Only `listSessions` without an owner, the
 * counters and crash recovery look across owners.
 */
export interface Store {
  getSession(owner: string, key: string): SessionRow | undefined;
  /** Session ids are unique across owners; the row says whose it is. */
  getSessionById(sessionId: string): SessionRow | undefined;
  findSessionByLabel(owner: string, label: string, agentId?: string, spawnedBy?: string): SessionRow | undefined;
  listSessions(filter: SessionFilter): SessionRow[];
  /** All sessions, or one agent's. */
  /** Sessions of one agent and/or one owner (both optional). */
  countSessions(agentId?: string, owner?: string): number;
  /** Creates the session if absent; returns the stored row either way. */
  ensureSession(row: NewSession): SessionRow;
  setSessionStatus(owner: string, key: string, status: SessionStatus, lastRunId?: string): void;
  deleteSession(owner: string, key: string): boolean;
  /** Archives (at = time) or unarchives (null) one owner's session; the row, or undefined when absent. */
  setSessionArchived(owner: string, key: string, at: number | null): SessionRow | undefined;
  /** Starts the session afresh: a new sessionId, an empty transcript, status idle. */
  resetSession(owner: string, key: string, newSessionId: string): SessionRow | undefined;
  /** Keeps only the newest `keep` transcript messages; returns how many there were and are. */
  truncateMessages(owner: string, key: string, keep: number): { before: number; after: number };
  /** How many transcript messages there are and the UTF-8 bytes of their stored content: all, or those older than `beforeId`. */
  transcriptSize(owner: string, key: string, beforeId?: number): { count: number; bytes: number };
  /**
   * Replaces every message older than `firstKeptId` by one `entry`, in one transaction. The entry
   * takes the id (and time) of the newest message it replaces, so the transcript keeps its order.
   * Returns how many messages it replaced (0: none were older, nothing changed).
   */
  compactMessages(owner: string, key: string, firstKeptId: number, entry: Pick<MessageRow, 'role' | 'content' | 'sender'>): { removed: number };

  getRun(owner: string, runId: string): RunRow | undefined;
  /**
   * Records an accepted run, its session (if new) and its user message in one transaction —
   * the acknowledgement point: after this returns, a crash loses nothing the client was told.
   */
  acceptRun(session: NewSession, run: NewRun, userContent: unknown, sender: string): RunRow;
  setRunStatus(owner: string, runId: string, status: RunStatus, fields?: { reply?: string | null; error?: string | null }): void;
  countChildRuns(owner: string, parentRunId: string): number;
  countActiveSubagentRuns(): number;
  /** Marks runs that were in flight at a crash as interrupted; returns how many. */
  interruptInFlight(): number;

  appendMessage(owner: string, m: Omit<MessageRow, 'id' | 'createdAt'>): MessageRow;
  listMessages(owner: string, sessionKey: string, limit: number): MessageRow[];
  countMessages(owner: string, sessionKey: string): number;
  /**
   * Messages newest first, skipping the `offset` newest, at most `limit`. Rows are read one at a
   * time, so a caller that stops early (a full page) reads no further.
   */
  messagesNewestFirst(owner: string, sessionKey: string, offset: number, limit: number): Iterable<StoredMessage>;

  /** Whether the database file is still the one opened and writable (store/guard.ts). */
  health(): StoreHealth;
  integrityCheck(): string;
  close(): void;
}
