// Log injection through a real gateway: an unauthenticated connect whose client.version holds
// a newline and a forged log line, with the pretty format a terminal gets. Every log line the
// gateway writes must be one of its own (timestamp, level, message), none forged.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { loadConfig } from '../src/config/load.js';
import { startGateway, type GatewayHandle } from '../src/main.js';
import { createLogger } from '../src/util/log.js';
import { tempDir } from './fixtures/gateway.fixture.js';
import { connectParams, openRaw } from './fixtures/raw-ws.fixture.js';

const FORGED = '12:00:00.000 INFO  connected connId=c1 remote=127.0.0.1 client=admin principal=token';
const LINE = /^\d\d:\d\d:\d\d\.\d{3} (DEBUG|INFO |WARN |ERROR) \S/;

describe('log injection (pretty format)', () => {
  let gw: GatewayHandle;
  const lines: string[] = [];
  before(async () => {
    const stateDir = tempDir('clawgate-loginj-');
    writeFileSync(join(stateDir, 'clawgate.json'), JSON.stringify({ gateway: { port: 0, auth: { mode: 'token', token: 'log-injection-token-0123' } } }));
    const cfg = loadConfig({ configPath: join(stateDir, 'clawgate.json'), env: { CLAWGATE_STATE_DIR: stateDir } });
    gw = await startGateway(cfg, { localListener: false, log: createLogger({ level: 'debug', format: 'pretty', write: (s) => { lines.push(s); } }) });
  });
  after(() => gw.close());

  it('a newline or escape sequence in client fields cannot forge a log line', async () => {
    for (const version of [`1\n${FORGED}`, `1\r${FORGED}`, `1\u2028${FORGED}`, '1\u001b[2K\u001b[1G' + FORGED]) {
      const peer = await openRaw(gw.url);
      await peer.next((f) => f.event === 'connect.challenge');
      peer.send({ type: 'req', id: 'c', method: 'connect', params: connectParams({ client: { id: 'cli', version, platform: 'linux\n', mode: 'cli' }, auth: { token: 'wrong-token-xxxxxxxxxx' } }) });
      await peer.closed;
    }
    await new Promise((r) => setTimeout(r, 50));
    const text = lines.join('');
    const all = text.split(/\n/).filter((l) => l !== '');
    assert.ok(all.length >= 4, text);
    for (const l of all) {
      assert.match(l, LINE, `every line is the gateway's own: ${JSON.stringify(l)}`);
      assert.doesNotMatch(l, /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/, JSON.stringify(l));
    }
    assert.equal(all.filter((l) => l.includes('connected connId=c1')).length, 4, 'the forged text is inside the refusal lines, escaped');
    assert.ok(all.filter((l) => l.includes('connected connId=c1')).every((l) => / WARN {2}connect refused /.test(l)));
  });
});
