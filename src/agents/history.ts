// The model's view of a session when a run starts: the transcript up to the message the run
// was accepted with, turn by turn. Messages added after it (another queued message, anyone's)
// are later turns and never this run's input.
import type { RunRow, Store, MessageRow } from '../store/types.js';
import type { ChatMessage } from './models/types.js';

/** How much stored transcript a model turn replays: the newest entries, at most 200 and (after the newest) 8 MiB of stored JSON. */
export const HISTORY_WINDOW = 200;
const HISTORY_BYTES = 8 * 1024 * 1024;

/** The newest entries within the replay budget, oldest first, never starting with an orphaned tool result. */
function recentMessages(store: Pick<Store, 'messagesNewestFirst'>, owner: string, sessionKey: string): MessageRow[] {
  const picked: MessageRow[] = [];
  let bytes = 0;
  for (const m of store.messagesNewestFirst(owner, sessionKey, 0, HISTORY_WINDOW)) {
    if (picked.length > 0 && bytes + m.contentBytes > HISTORY_BYTES) break;
    picked.push(m);
    bytes += m.contentBytes;
  }
  picked.reverse();
  while (picked.length > 1 && picked[0]!.role === 'toolResult') picked.shift();
  return picked;
}

/**
 * Replays the stored transcript for `run` as model messages (tool results keep their call ids).
 * Entries are grouped by turn in the order their user messages were accepted, so an earlier
 * run's reply that was written after this run's message still precedes it; turns accepted after
 * this run's message, and entries of no turn written after it, are left out.
 */
export function runInput(store: Pick<Store, 'messagesNewestFirst'>, run: Pick<RunRow, 'owner' | 'sessionKey' | 'runId' | 'messageId'>): ChatMessage[] {
  const rows = recentMessages(store, run.owner, run.sessionKey);
  const turnStart = new Map<string, number>();
  for (const m of rows) if (m.role === 'user' && m.runId !== null && !turnStart.has(m.runId)) turnStart.set(m.runId, m.id);
  const position = (m: MessageRow): number => (m.runId !== null ? turnStart.get(m.runId) ?? m.id : m.id);
  const kept = rows.filter((m) => m.runId === run.runId || position(m) <= run.messageId);
  kept.sort((a, b) => position(a) - position(b) || a.id - b.id);
  return kept.map(toModelMessage);
}

function toModelMessage(m: MessageRow): ChatMessage {
  const blocks = (Array.isArray(m.content) ? m.content : []) as Record<string, unknown>[];
  const text = blocks.filter((b) => b.type === 'text').map((b) => String(b.text)).join('');
  if (m.role === 'user') return { role: 'user', content: text };
  if (m.role === 'assistant') {
    const toolCalls = blocks.filter((b) => b.type === 'toolCall').map((b) => ({ id: String(b.id), name: String(b.name), arguments: JSON.stringify(b.arguments ?? {}) }));
    return toolCalls.length ? { role: 'assistant', content: text, toolCalls } : { role: 'assistant', content: text };
  }
  const c = m.content as { toolCallId?: string; toolName?: string; isError?: boolean; text?: string };
  return { role: 'tool', toolCallId: String(c.toolCallId), name: String(c.toolName), content: String(c.text ?? ''), isError: c.isError === true };
}
