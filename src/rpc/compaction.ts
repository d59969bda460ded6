// Default session compaction (sessions.compact without maxLines), after OpenClaw's: the recent
// tail of the transcript stays as it is, up to about KEEP_RECENT_TOKENS (OpenClaw's default
// `keepRecentTokens`), and everything older is replaced by one compaction entry. OpenClaw has
// a model write that entry as a summary; clawgate does not call a model for it, so the entry
// says what was removed and lists how the removed user messages began. A tool result never
// loses its call (the cut moves back to the assistant message that made it), and a transcript
// whose only older entry is an earlier compaction entry is left alone, so compacting twice
// changes nothing the second time. Tokens are estimated as stored UTF-8 bytes / 4.
import type { MessageRow, Store } from '../store/types.js';

/** OpenClaw's `agents.defaults.compaction.keepRecentTokens` default. */
export const KEEP_RECENT_TOKENS = 20_000;
export const BYTES_PER_TOKEN = 4;
/** Who writes a compaction entry (no principal id looks like this: docs/agents.md#who-wrote-what). */
export const COMPACTION_SENDER = 'gateway';
/** How many removed user messages the entry quotes, and how much of each. */
const QUOTED = 20;
const QUOTE_CHARS = 200;
/** How many of the newest removed messages are read for quotes (older ones are counted by the store, not read). */
const SCANNED = 200;

export type CompactionStore = Pick<Store, 'messagesNewestFirst' | 'transcriptSize' | 'compactMessages'>;

export interface Tail { firstKeptId: number; kept: number; keptBytes: number }

const tokens = (bytes: number) => Math.ceil(bytes / BYTES_PER_TOKEN);

/** The newest messages within `keepTokens` (at least one), extended back so it never starts with a tool result. */
export function pickTail(newestFirst: Iterable<Pick<MessageRow, 'id' | 'role'> & { contentBytes: number }>, keepTokens: number): Tail | undefined {
  let tail: Tail | undefined;
  let lastRole: string | undefined;
  for (const m of newestFirst) {
    const bytes = (tail?.keptBytes ?? 0) + m.contentBytes;
    if (tail && lastRole !== 'toolResult' && tokens(bytes) > keepTokens) break;
    tail = { firstKeptId: m.id, kept: (tail?.kept ?? 0) + 1, keptBytes: bytes };
    lastRole = m.role;
  }
  return tail;
}

export const isCompactionEntry = (m: Pick<MessageRow, 'sender' | 'runId' | 'role'>) => m.sender === COMPACTION_SENDER && m.runId === null && m.role === 'user';

function firstLine(content: unknown): string {
  const text = Array.isArray(content) ? content.map((b: { type?: unknown; text?: unknown }) => (b?.type === 'text' && typeof b.text === 'string' ? b.text : '')).join(' ') : '';
  const line = text.trim().split(/\r?\n/, 1)[0] ?? '';
  // Control characters would garble the quote; a quote is a hint, not a copy.
  // eslint-disable-next-line no-control-regex
  const clean = line.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return clean.length > QUOTE_CHARS ? `${clean.slice(0, QUOTE_CHARS)}…` : clean;
}

export type CompactionResult =
  | { compacted: false; reason: string }
  | { compacted: true; kept: number; removed: number; tokensBefore: number; tokensAfter: number };

/** Compacts one owner's session transcript in place (the caller checked it exists and is idle). */
export function compactTranscript(store: CompactionStore, owner: string, key: string, now: number, keepTokens = KEEP_RECENT_TOKENS): CompactionResult {
  const within = `the transcript is within the ${keepTokens}-token recent tail`;
  const tail = pickTail(store.messagesNewestFirst(owner, key, 0, 1_000_000), keepTokens);
  if (!tail) return { compacted: false, reason: 'the transcript is empty' };
  const older = store.transcriptSize(owner, key, tail.firstKeptId);
  if (older.count === 0) return { compacted: false, reason: within };
  // The newest removed messages, one at a time (a message may be large: none is kept), for the quotes.
  const quotes: string[] = [];
  let earlier = false;
  for (const m of store.messagesNewestFirst(owner, key, tail.kept, SCANNED)) {
    if (isCompactionEntry(m)) earlier = true;
    else if (m.role === 'user' && quotes.length < QUOTED) quotes.push(`- ${firstLine(m.content)}`);
  }
  if (older.count === 1 && earlier) return { compacted: false, reason: `${within} after an earlier compaction` };
  quotes.reverse();
  const folded = earlier ? ' (including an earlier compaction entry)' : '';
  const text = [
    `[Conversation compacted by the gateway at ${new Date(now).toISOString()}: ${older.count} earlier messages${folded}, about ${tokens(older.bytes)} tokens, were removed to keep this session to its most recent ${keepTokens} tokens or so. clawgate does not summarise with a model.`,
    ...(quotes.length ? [`The last ${quotes.length} removed user messages began:`, ...quotes] : []),
    ']',
  ].join('\n');
  const content = [{ type: 'text', text }];
  const { removed } = store.compactMessages(owner, key, tail.firstKeptId, { role: 'user', content, sender: COMPACTION_SENDER });
  if (removed === 0) return { compacted: false, reason: within };
  const entryBytes = Buffer.byteLength(JSON.stringify(content));
  return { compacted: true, kept: tail.kept, removed, tokensBefore: tokens(older.bytes + tail.keptBytes), tokensAfter: tokens(entryBytes + tail.keptBytes) };
}
