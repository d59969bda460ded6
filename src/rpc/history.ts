// A page of a session's transcript, as chat.history returns it: the newest messages after
// skipping `offset`, each cut to fit a page (with a visible marker), as many as the byte budget
// holds. Sizes are those of the JSON on the wire, so control characters (six bytes each once
// escaped) cannot push a frame past maxPayload. Methods that open a chat reuse this.
import { truncateToUnits } from '../protocol/json-size.js';
import type { MessageRow } from '../store/types.js';
import type { SessionReader } from './context.js';
import { boundItem, fillPage, pageBudget, pageInfo, type ResponseLimits } from './paging.js';

export const HISTORY_DEFAULT_LIMIT = 200;
/** A cut message is at most this much below its cap (the marker and a split character). */
const CUT_SLACK_BYTES = 1024;

export interface HistoryQuery {
  /** Most messages in the page (default 200). */
  readonly limit?: number | undefined;
  /** Byte target for the page's messages; the gateway's cap applies above it. */
  readonly maxBytes?: number | undefined;
  /** How many of the newest messages to skip (OpenClaw's backward paging). */
  readonly offset?: number | undefined;
  /** Longest text block returned, in characters; longer ones are cut with a marker. */
  readonly maxChars?: number | undefined;
}

export interface HistoryPage {
  /** Oldest first, as OpenClaw's chat.history. */
  readonly messages: Record<string, unknown>[];
  readonly offset: number;
  readonly hasMore: boolean;
  readonly nextOffset?: number;
  readonly totalMessages: number;
  /** Present when at least one message was cut or replaced to fit. */
  readonly truncated?: true;
}

export function toWireMessage(m: MessageRow): Record<string, unknown> {
  // `messageId` (also on the `chat` final event) and a user message's `idempotencyKey` (= its run
  // id) let OpenClaw's Control UI match what it streamed or sent to the stored entry.
  const base = {
    timestamp: m.createdAt, runId: m.runId, messageId: String(m.id), __openclaw: { id: String(m.id), seq: m.id },
    ...(m.sender ? { sender: m.sender } : {}), ...(m.actingFor ? { actingFor: m.actingFor } : {}),
    ...(m.role === 'user' && m.runId ? { idempotencyKey: m.runId } : {}),
  };
  if (m.role === 'toolResult') {
    const c = m.content as { toolCallId: string; toolName: string; isError: boolean; text: string };
    return { role: 'toolResult', toolCallId: c.toolCallId, toolName: c.toolName, isError: c.isError, content: [{ type: 'text', text: c.text }], ...base };
  }
  return { role: m.role, content: m.content, ...base };
}

/** Text blocks cut to `maxChars` characters. */
function capText(content: unknown, maxChars: number): { content: unknown; cut: boolean } {
  if (!Array.isArray(content)) return { content, cut: false };
  let cut = false;
  const out = content.map((b: unknown) => {
    const block = b as { type?: unknown; text?: unknown };
    if (block?.type !== 'text' || typeof block.text !== 'string' || block.text.length <= maxChars) return b;
    cut = true;
    return { ...block, text: truncateToUnits(block.text, maxChars) };
  });
  return { content: out, cut };
}

/** One stored message as sent: text capped to `maxChars`, then the whole message cut to `maxBytes`. */
export function boundWireMessage(m: MessageRow, maxBytes: number, maxChars?: number): { message: Record<string, unknown>; bytes: number } {
  let wire = toWireMessage(m);
  let cut = false;
  if (maxChars !== undefined) {
    const c = capText(wire.content, maxChars);
    if (c.cut) { wire = { ...wire, content: c.content }; cut = true; }
  }
  const b = boundItem(wire, maxBytes, (bytes) => ({
    role: wire.role, ...(wire.role === 'toolResult' ? { toolCallId: wire.toolCallId, toolName: wire.toolName, isError: wire.isError } : {}),
    content: [{ type: 'text', text: `[message omitted by the gateway: its ${bytes} bytes do not fit in one response]` }],
    timestamp: wire.timestamp, runId: wire.runId, ...(wire.sender ? { sender: wire.sender } : {}), omitted: true,
  }));
  if (!b.truncated && !cut) return { message: b.item, bytes: b.bytes };
  return { message: { ...b.item, truncated: true }, bytes: b.bytes + TRUNCATED_FLAG_BYTES };
}

/** `,"truncated":true` */
const TRUNCATED_FLAG_BYTES = 17;

/**
 * Reads one page of the transcript of `owner`'s `sessionKey` within the response limits. The first message of
 * a page is always included (cut to the larger of the page budget and the default page size),
 * so paging always makes progress and a small `maxBytes` never hides a message.
 */
export function readHistoryPage(store: Pick<SessionReader, 'countMessages' | 'messagesNewestFirst'>, owner: string, sessionKey: string, q: HistoryQuery, limits: ResponseLimits): HistoryPage {
  const offset = q.offset ?? 0;
  const budget = pageBudget(limits, q.maxBytes);
  const itemBytes = Math.min(limits.maxPageBytes, Math.max(budget, limits.defaultPageBytes));
  const total = store.countMessages(owner, sessionKey);
  let used = 2;
  let taken = 0;
  function* bounded() {
    for (const m of store.messagesNewestFirst(owner, sessionKey, offset, q.limit ?? HISTORY_DEFAULT_LIMIT)) {
      // A row too big to fit even once cut stops the page before it is parsed or cut (the stored
      // JSON is the content's wire form; a cut message still fills most of itemBytes).
      if (taken > 0 && q.maxChars === undefined && used + Math.min(m.contentBytes, itemBytes - CUT_SLACK_BYTES) > budget) return;
      const x = boundWireMessage(m, itemBytes, q.maxChars);
      used += x.bytes + (taken > 0 ? 1 : 0);
      taken++;
      yield x;
    }
  }
  const page = fillPage(bounded(), budget, (x) => x.bytes);
  const messages = page.items.map((x) => x.message).reverse();
  return {
    messages,
    ...pageInfo(offset, messages.length, total),
    totalMessages: total,
    ...(messages.some((m) => m.truncated === true) ? { truncated: true as const } : {}),
  };
}
