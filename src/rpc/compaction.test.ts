// Default compaction on a real (in-memory) SQLite store: the recent tail kept as it is, older
// messages replaced by one entry in their place, tool calls kept with their results, another
// owner's session of the same key untouched, and a second compaction changing nothing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStore } from '../store/sqlite.js';
import type { NewSession, Store } from '../store/types.js';
import { COMPACTION_SENDER, compactTranscript, pickTail } from './compaction.js';

const KEY = 'agent:manager:long';
const session = (owner: string): NewSession => ({
  owner, key: KEY, sessionId: `id-${owner}`, agentId: 'manager', kind: 'named', label: null,
  spawnedBy: null, spawnedByRun: null, actingFor: owner, depth: 0, model: null,
});
const text = (t: string) => [{ type: 'text', text: t }];

/** `turns` user/assistant pairs of `size` characters each, numbered from 1. */
function fill(st: Store, owner: string, turns: number, size: number): void {
  st.ensureSession(session(owner));
  for (let i = 1; i <= turns; i++) {
    st.appendMessage(owner, { sessionKey: KEY, runId: `r${i}`, role: 'user', content: text(`question ${i}\n${'q'.repeat(size)}`), actingFor: owner, sender: owner });
    st.appendMessage(owner, { sessionKey: KEY, runId: `r${i}`, role: 'assistant', content: text(`answer ${i} ${'a'.repeat(size)}`), actingFor: owner, sender: 'agent:manager' });
  }
}

describe('default compaction', () => {
  it('keeps the newest ~20k tokens and replaces the rest by one entry, in place and owner-scoped', () => {
    const st = openSqliteStore(':memory:');
    fill(st, 'alice', 30, 8_000); // 60 messages of ~8 KB: ~120k tokens
    fill(st, 'bob', 3, 10);
    const before = st.listMessages('alice', KEY, 1000);
    const r = compactTranscript(st, 'alice', KEY, Date.UTC(2026, 10, 30));
    assert.equal(r.compacted, true);
    if (!r.compacted) return;
    const after = st.listMessages('alice', KEY, 1000);
    assert.equal(after.length, r.kept + 1);
    assert.equal(r.removed, before.length - r.kept);
    assert.ok(r.kept >= 8 && r.kept <= 10, `kept ${r.kept}`); // 20,000 tokens ≈ 80 KB ≈ 10 messages of 8 KB
    assert.ok(r.tokensBefore > 110_000 && r.tokensAfter <= 21_000, JSON.stringify(r));
    // The tail is untouched, in order; the entry sits where the removed messages were.
    assert.deepEqual(after.slice(1).map((m) => m.id), before.slice(-r.kept).map((m) => m.id));
    const entry = after[0]!;
    assert.equal(entry.id, before[before.length - r.kept - 1]!.id);
    assert.equal(entry.createdAt, before[before.length - r.kept - 1]!.createdAt);
    assert.deepEqual([entry.role, entry.sender, entry.runId, entry.actingFor], ['user', COMPACTION_SENDER, null, null]);
    const t = (entry.content as { text: string }[])[0]!.text;
    assert.match(t, new RegExp(`^\\[Conversation compacted by the gateway at 2026-11-30T00:00:00.000Z: ${r.removed} earlier messages`));
    assert.match(t, /The last 20 removed user messages began:\n- question \d+\n/);
    assert.doesNotMatch(t, /qqqq/, 'only the first line of each is quoted');
    // Bob's session with the same key is his own and unchanged.
    assert.equal(st.countMessages('bob', KEY), 6);
  });

  it('is idempotent: a second compaction finds nothing to do', () => {
    const st = openSqliteStore(':memory:');
    fill(st, 'alice', 30, 8_000);
    assert.equal(compactTranscript(st, 'alice', KEY, 1).compacted, true);
    const once = st.listMessages('alice', KEY, 1000);
    const again = compactTranscript(st, 'alice', KEY, 2);
    assert.equal(again.compacted, false);
    assert.match((again as { reason: string }).reason, /^the transcript is within the 20000-token recent tail/);
    assert.deepEqual(st.listMessages('alice', KEY, 1000), once);
  });

  it('folds an earlier entry into the next compaction once more history has grown', () => {
    const st = openSqliteStore(':memory:');
    fill(st, 'alice', 30, 8_000);
    compactTranscript(st, 'alice', KEY, 1);
    for (let i = 0; i < 10; i++) st.appendMessage('alice', { sessionKey: KEY, runId: `n${i}`, role: 'user', content: text(`later ${i} ${'z'.repeat(8_000)}`), actingFor: 'alice', sender: 'alice' });
    const r = compactTranscript(st, 'alice', KEY, 2);
    assert.equal(r.compacted, true);
    const msgs = st.listMessages('alice', KEY, 1000);
    assert.equal(msgs.filter((m) => m.sender === COMPACTION_SENDER).length, 1);
    assert.match((msgs[0]!.content as { text: string }[])[0]!.text, /including an earlier compaction entry/);
  });

  it('leaves a short transcript alone', () => {
    const st = openSqliteStore(':memory:');
    fill(st, 'alice', 3, 100);
    assert.deepEqual(compactTranscript(st, 'alice', KEY, 1), { compacted: false, reason: 'the transcript is within the 20000-token recent tail' });
    assert.equal(st.countMessages('alice', KEY), 6);
  });

  it('never keeps a tool result without the call that made it', () => {
    const rows = [ // newest first
      { id: 5, role: 'assistant', contentBytes: 40 },
      { id: 4, role: 'toolResult', contentBytes: 40 },
      { id: 3, role: 'toolResult', contentBytes: 40 },
      { id: 2, role: 'assistant', contentBytes: 40 },
      { id: 1, role: 'user', contentBytes: 40 },
    ] as const;
    // A 25-token budget holds two messages and stops at a tool result: the cut moves back to its call.
    assert.deepEqual(pickTail(rows, 25), { firstKeptId: 2, kept: 4, keptBytes: 160 });
    assert.deepEqual(pickTail(rows, 10), { firstKeptId: 5, kept: 1, keptBytes: 40 });
    assert.equal(pickTail([], 10), undefined);
  });
});
