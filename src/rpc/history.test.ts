// Transcript pages and the response guard, against a real (in-memory) SQLite store: pages fill
// to their budget on escaped bytes, oversized messages are cut or replaced (never dropped),
// and a response that cannot be sent becomes an error frame.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStore } from '../store/sqlite.js';
import type { MessageRole } from '../store/types.js';
import { readHistoryPage } from './history.js';
import { responseLimits } from './paging.js';
import { guardResponse } from './response-guard.js';

const KEY = 'agent:main:main';

function storeWith(contents: { role: MessageRole; content: unknown }[]) {
  const st = openSqliteStore(':memory:');
  st.ensureSession({ owner: 'operator', key: KEY, sessionId: 's1', agentId: 'main', kind: 'main', label: null, spawnedBy: null, spawnedByRun: null, actingFor: 'token', depth: 0, model: null });
  for (const c of contents) st.appendMessage('operator', { sessionKey: KEY, runId: 'r1', actingFor: 'token', sender: 'token', ...c });
  return st;
}
const text = (t: string) => [{ type: 'text', text: t }];
const limits = responseLimits({ maxPayload: 1024 * 1024, defaultPageBytes: 64 * 1024 });

describe('history pages', () => {
  it('derives the page limits from maxPayload, keeping room for the envelope', () => {
    assert.deepEqual(responseLimits({ maxPayload: 25 * 1024 * 1024, defaultPageBytes: 4 * 1024 * 1024 }), { maxFrameBytes: 26214400, maxPageBytes: 26148864, defaultPageBytes: 4194304 });
    assert.deepEqual(responseLimits({ maxPayload: 100_000, defaultPageBytes: 4 * 1024 * 1024 }), { maxFrameBytes: 100_000, maxPageBytes: 75_000, defaultPageBytes: 75_000 });
  });

  it('returns the newest messages oldest first and pages backwards with offset', () => {
    const st = storeWith(Array.from({ length: 10 }, (_, i) => ({ role: 'user' as const, content: text(`m${i}`) })));
    const p1 = readHistoryPage(st, 'operator', KEY, { limit: 4 }, limits);
    assert.deepEqual(p1.messages.map((m) => (m.content as { text: string }[])[0]!.text), ['m6', 'm7', 'm8', 'm9']);
    assert.deepEqual([p1.offset, p1.hasMore, p1.nextOffset, p1.totalMessages, p1.truncated], [0, true, 4, 10, undefined]);
    const p3 = readHistoryPage(st, 'operator', KEY, { limit: 4, offset: 8 }, limits);
    assert.deepEqual(p3.messages.map((m) => (m.content as { text: string }[])[0]!.text), ['m0', 'm1']);
    assert.deepEqual([p3.hasMore, p3.nextOffset], [false, undefined]);
    assert.deepEqual(readHistoryPage(st, 'operator', KEY, { offset: 50 }, limits).messages, []);
    assert.equal(readHistoryPage(st, 'operator', 'agent:main:other', {}, limits).totalMessages, 0);
  });

  it('fills a page to its budget counted on escaped bytes', () => {
    const st = storeWith(Array.from({ length: 10 }, () => ({ role: 'user' as const, content: text('\u0001'.repeat(1000)) })));
    const p = readHistoryPage(st, 'operator', KEY, { maxBytes: 13_000 }, limits);
    assert.equal(p.messages.length, 2); // each is about 6 KB of JSON
    assert.ok(Buffer.byteLength(JSON.stringify(p.messages)) <= 13_000);
  });

  it('cuts an oversized message with a marker, and cuts text blocks to maxChars', () => {
    const st = storeWith([
      { role: 'user', content: text('\u0001'.repeat(200_000)) },
      { role: 'toolResult', content: { toolCallId: 'c1', toolName: 'sessions_list', isError: false, text: 'é'.repeat(5_000) } },
    ]);
    const newest = readHistoryPage(st, 'operator', KEY, {}, limits);
    assert.equal(newest.messages.length, 1, 'the cut message would not fit beside it');
    const [tool] = newest.messages as { truncated?: boolean; toolName?: string }[];
    assert.equal(tool!.truncated, undefined, 'a message that fits is untouched');
    assert.equal(tool!.toolName, 'sessions_list');
    assert.equal(newest.truncated, undefined);
    const older = readHistoryPage(st, 'operator', KEY, { offset: 1 }, limits);
    assert.equal(older.truncated, true);
    const [user] = older.messages as { truncated?: boolean; content: { text: string }[] }[];
    assert.equal(user!.truncated, true);
    assert.ok(Buffer.byteLength(JSON.stringify(user)) <= 64 * 1024 + 64);
    assert.ok(/truncated by the gateway: \d+ of 200000 characters shown\]$/.test(user!.content[0]!.text), 'marker at the end');
    const capped = readHistoryPage(st, 'operator', KEY, { maxChars: 10 }, limits);
    assert.equal(capped.messages.length, 2);
    assert.ok(capped.messages.every((m) => m.truncated === true));
    assert.equal((capped.messages[1]!.content as { text: string }[])[0]!.text, `${'é'.repeat(10)}\n[… truncated by the gateway: 10 of 5000 characters shown]`);
  });

  it('stops before parsing a row whose stored size cannot fit the rest of the page', () => {
    const row = (id: number, contentBytes: number, content: () => unknown) => Object.defineProperty(
      { id, sessionKey: KEY, runId: 'r', role: 'user' as const, actingFor: null, createdAt: id, contentBytes }, 'content', { get: content, enumerable: true },
    ) as import('../store/types.js').StoredMessage;
    const store = {
      countMessages: () => 2,
      messagesNewestFirst: () => [
        row(2, 40_000, () => text('x'.repeat(40_000))),
        row(1, 6_000_000, () => { throw new Error('parsed a row that could not fit'); }),
      ],
    };
    const p = readHistoryPage(store, 'operator', KEY, {}, limits);
    assert.equal(p.messages.length, 1);
    assert.deepEqual([p.hasMore, p.nextOffset], [true, 1]);
  });

  it('replaces a message that cutting strings cannot shrink, saying so', () => {
    const st = storeWith([{ role: 'assistant', content: [{ type: 'toolCall', id: 'c1', name: 'x', arguments: Array.from({ length: 50_000 }, (_, i) => i) }] }]);
    const [m] = readHistoryPage(st, 'operator', KEY, {}, limits).messages;
    assert.equal(m!.omitted, true);
    assert.equal(m!.truncated, true);
    assert.match((m!.content as { text: string }[])[0]!.text, /^\[message omitted by the gateway: its \d+ bytes do not fit in one response\]$/);
  });
});

describe('response guard', () => {
  it('passes a response that fits, serialised once', () => {
    const g = guardResponse({ type: 'res', id: '1', ok: true, payload: { a: 1 } }, 1000);
    assert.equal(g.text, '{"type":"res","id":"1","ok":true,"payload":{"a":1}}');
    assert.equal(g.refused, undefined);
  });

  it('replaces a response over the limit with RESPONSE_TOO_LARGE for that request', () => {
    const g = guardResponse({ type: 'res', id: '7', ok: true, payload: { text: '\u0001'.repeat(1000) } }, 1000);
    assert.equal(g.refused?.reason, 'too_large');
    assert.equal(g.frame.id, '7');
    assert.equal(g.frame.ok, false);
    assert.equal(g.frame.error?.code, 'INVALID_REQUEST');
    const bytes = Buffer.byteLength(JSON.stringify({ type: 'res', id: '7', ok: true, payload: { text: '\u0001'.repeat(1000) } }));
    assert.deepEqual(g.frame.error?.details, { code: 'RESPONSE_TOO_LARGE', maxPayload: 1000, bytes });
    assert.ok(Buffer.byteLength(g.text!) < 1000);
  });

  it('treats a string V8 cannot build as too large, and anything else unserialisable as an internal error', () => {
    const huge = { toJSON() { throw new RangeError('Invalid string length'); } };
    assert.equal(guardResponse({ type: 'res', id: '1', ok: true, payload: huge }, 1000).frame.error?.details?.code, 'RESPONSE_TOO_LARGE');
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const g = guardResponse({ type: 'res', id: '2', ok: true, payload: circular }, 1000);
    assert.equal(g.refused?.reason, 'unserializable');
    assert.equal(g.frame.error?.code, 'UNAVAILABLE');
    assert.equal(g.frame.error?.details?.code, 'INTERNAL_ERROR');
  });
});
