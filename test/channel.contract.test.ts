// The contract every channel keeps (docs: src/channels/channel.ts), run against each adapter:
// start() returns at once and never throws, even when the service is unreachable; status() is
// always a state from the closed set with a timestamp; stop() resolves, is idempotent, and
// leaves the channel not connected.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Channel } from '../src/channels/channel.js';
import { disabledChannel } from '../src/channels/channel.js';
import { createSlackChannel, type EnabledSlackConfig } from '../src/channels/slack/index.js';
import { silentLogger } from '../src/util/log.js';
import { bootGateway, type TestGateway } from './fixtures/gateway.fixture.js';
import { startFakeSlack, type FakeSlack } from './fixtures/fake-slack.fixture.js';

const STATES = ['disabled', 'connecting', 'connected', 'reconnecting', 'failed'];
const TOKENS = { appToken: 'xapp-1-contract-0123456789', botToken: 'xoxb-contract-0123456789' };

describe('channel contract', () => {
  let gw: TestGateway;
  let fake: FakeSlack;
  before(async () => {
    gw = await bootGateway({ gateway: { auth: { mode: 'none' } } });
    fake = await startFakeSlack(TOKENS);
  });
  after(async () => { await fake.close(); await gw.stop(); });

  const slack = (apiUrl: string): Channel => {
    const cfg: EnabledSlackConfig = { enabled: true, ...TOKENS, agentId: 'manager', allowUsers: [], allowChannels: [], replyInThread: true, apiUrl };
    return createSlackChannel(cfg, { dial: gw.dial, log: silentLogger() });
  };
  const adapters: [string, () => Channel, string | undefined][] = [
    ['disabled', () => disabledChannel('slack'), undefined],
    ['slack (reachable)', () => slack(fake.apiUrl), 'connected'],
    ['slack (unreachable)', () => slack('http://127.0.0.1:1/api/'), undefined],
  ];

  for (const [name, make, reaches] of adapters) {
    it(`${name}: start returns at once, status stays in the closed set, stop is idempotent`, async () => {
      const ch = make();
      // "At once" is a shape, not a stopwatch: start() returns nothing to await, and the
      // service has not been reached when it returns.
      let started: unknown;
      assert.doesNotThrow(() => { started = ch.start(); });
      assert.equal(started, undefined, 'start() returns nothing to wait for');
      assert.notEqual(ch.status().state, 'connected', 'start() did not wait for the service');
      const seen = new Set<string>();
      const deadline = Date.now() + 3_000;
      do {
        const s = ch.status();
        assert.ok(STATES.includes(s.state), s.state);
        assert.equal(typeof s.since, 'number');
        seen.add(s.state);
        if (reaches && s.state === reaches) break;
        await new Promise((r) => setTimeout(r, 25));
      } while (Date.now() < deadline && reaches);
      if (reaches) assert.ok(seen.has(reaches), `reached ${reaches} (saw ${[...seen].join(', ')})`);
      await ch.stop();
      await ch.stop();
      assert.notEqual(ch.status().state, 'connected');
      assert.equal(typeof ch.name, 'string');
    });
  }
});
