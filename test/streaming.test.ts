// Streaming a long reply costs O(n): `agent` and `chat` events carry only the new text,
// bursts are coalesced into few frames, and the chat `final` repeats the reply only when it is
// small. Bytes are counted on the client's socket, as a user would see them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { connectWs } from '../src/client/ws.js';
import { scriptedWords } from '../src/agents/models/scripted.js';
import { CUMULATIVE_CHAT_MAX_CHARS, FINAL_CHAT_MAX_CHARS } from '../src/agents/run-loop.js';
import { bootGateway, type TestGateway } from './fixtures/gateway.fixture.js';

const TOKEN = 'streaming-token-0123456789';
const WORDS = 12_000;

interface Frame { type: string; event?: string; payload?: Record<string, any> }

describe('streaming a long reply', () => {
  let gw: TestGateway;
  before(async () => { gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN } } }); });
  after(() => gw.stop());

  it('sends deltas only, coalesced, in fewer than 3× the bytes of the reply', async () => {
    const reply = scriptedWords(WORDS);
    assert.ok(reply.length > FINAL_CHAT_MAX_CHARS, 'the reply is long enough for the final event to omit it');
    const { client, ws } = await connectWs({ url: gw.url, token: TOKEN });
    const frames: Frame[] = [];
    let eventBytes = 0;
    ws.on('message', (data: Buffer) => {
      const f = JSON.parse(data.toString()) as Frame;
      if ((f.event === 'agent' || f.event === 'chat') && f.payload?.runId === 'long-1') { frames.push(f); eventBytes += data.length; }
    });
    const socket = (ws as unknown as { _socket: Socket })._socket;
    const before = socket.bytesRead;
    const res = await client.request<{ result: { payloads: { text: string }[] } }>('agent', { message: `/words ${WORDS}`, idempotencyKey: 'long-1' }, { expectFinal: true, timeoutMs: 30_000 });
    const wire = socket.bytesRead - before;
    client.close();
    assert.equal(res.result.payloads[0]!.text, reply);

    const assistant = frames.filter((f) => f.event === 'agent' && f.payload!.stream === 'assistant').map((f) => f.payload!.data);
    const chatDeltas = frames.filter((f) => f.event === 'chat' && f.payload!.state === 'delta').map((f) => f.payload!);
    assert.equal(assistant.map((d) => d.delta).join(''), reply, 'agent deltas add up to the reply');
    assert.equal(chatDeltas.map((d) => d.delta).join(''), reply, 'chat deltas add up to the reply');
    assert.ok(assistant.every((d) => d.text === undefined), 'no cumulative text in agent events');
    assert.ok(assistant.length >= 2, `streamed in several events (got ${assistant.length})`);
    assert.ok(assistant.length < WORDS / 10, `word pieces are coalesced (got ${assistant.length} events for ${WORDS} words)`);
    // The cumulative message rides along only while the text is short.
    assert.equal(chatDeltas[0]!.message.content[0].text, chatDeltas[0]!.delta);
    assert.ok(chatDeltas.every((d) => d.message === undefined || d.message.content[0].text.length <= CUMULATIVE_CHAT_MAX_CHARS));
    assert.equal(chatDeltas.at(-1)!.message, undefined);
    const final = frames.find((f) => f.event === 'chat' && f.payload!.state === 'final')!.payload!;
    assert.equal(final.message, undefined);
    assert.equal(final.messageOmitted, true);

    assert.ok(eventBytes < 3 * reply.length, `events took ${eventBytes} bytes for ${reply.length} characters of reply`);
    // Events (2×) plus the agent result (1×) plus frame overhead.
    assert.ok(wire < 3.5 * reply.length, `the socket read ${wire} bytes for ${reply.length} characters of reply`);
  });

  it('keeps the whole reply in a short chat final event', async () => {
    const { client } = await connectWs({ url: gw.url, token: TOKEN });
    const finals: Record<string, any>[] = [];
    client.on('chat', (p) => { const e = p as Record<string, any>; if (e.runId === 'short-1' && e.state === 'final') finals.push(e); });
    await client.request('agent', { message: '/reply short and sweet', idempotencyKey: 'short-1' }, { expectFinal: true, timeoutMs: 10_000 });
    await new Promise((r) => setImmediate(r));
    client.close();
    assert.equal(finals.length, 1);
    assert.equal(finals[0]!.message.content[0].text, 'short and sweet');
    assert.equal(finals[0]!.messageOmitted, undefined);
  });
});
