import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createScriptedModel, MAX_SCRIPTED_WORDS, parseScript, scriptedWords } from './scripted.js';

describe('scripted model', () => {
  it('/words N replies with N words, joined with /reply lines in order, and caps N', () => {
    assert.equal(scriptedWords(3), 'lorem ipsum dolor');
    assert.equal(scriptedWords(20).split(' ').length, 20);
    assert.equal(parseScript('/reply first\n/words 2').reply, 'first\nlorem ipsum');
    assert.equal(parseScript('/words 9999999').reply!.split(' ').length, MAX_SCRIPTED_WORDS);
    assert.equal(parseScript('/words many').hasDirective, false);
  });

  it('hands the event loop back while it streams a long reply', async () => {
    const model = createScriptedModel();
    let ticks = 0;
    let running = true;
    const tick = () => { if (!running) return; ticks++; setImmediate(tick); };
    setImmediate(tick);
    let pieces = 0;
    const turn = await model.complete({ model: 'scripted', messages: [{ role: 'user', content: '/words 200000' }], tools: [], signal: new AbortController().signal }, () => { pieces++; });
    running = false;
    assert.equal(pieces, 200_000);
    assert.equal(turn.text.split(' ').length, 200_000);
    assert.ok(ticks > 0, 'other work ran while the reply streamed');
  });

  it('stops streaming when the run is aborted', async () => {
    const model = createScriptedModel();
    const ac = new AbortController();
    let pieces = 0;
    const done = model.complete({ model: 'scripted', messages: [{ role: 'user', content: '/words 1000000' }], tools: [], signal: ac.signal }, () => { if (++pieces === 1000) setImmediate(() => ac.abort(new Error('aborted'))); });
    await assert.rejects(done, /aborted/);
    assert.ok(pieces < 1_000_000);
  });
});
