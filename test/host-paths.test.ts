// Host paths (state dir, database file, config file) are for admins: read-only and write-scope
// callers get health, status and sessions.list without them; an operator.admin caller sees them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connectWs } from '../src/client/ws.js';
import { bootGateway, type TestGateway } from './fixtures/gateway.fixture.js';

const TOKEN = 'host-paths-token-0123456789';

describe('host paths', () => {
  let gw: TestGateway;
  before(async () => { gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN } } }); });
  after(() => gw.stop());

  const call = async (scopes: string[], method: string): Promise<unknown> => {
    const { client } = await connectWs({ url: gw.url, token: TOKEN, scopes });
    try { return await client.request(method, {}); } finally { client.close(); }
  };

  for (const scopes of [['operator.read'], ['operator.read', 'operator.write']]) {
    it(`${scopes.join('+')}: health, status and sessions.list name no host path`, async () => {
      for (const method of ['health', 'status', 'sessions.list']) {
        const text = JSON.stringify(await call(scopes, method));
        assert.ok(!text.includes(gw.stateDir), `${method} leaks the state dir: ${text.slice(0, 300)}`);
        assert.ok(!text.includes('clawgate.db') && !text.includes('clawgate.json'), `${method}: ${text.slice(0, 300)}`);
      }
      const health = await call(scopes, 'health') as { sessions: Record<string, unknown> };
      assert.ok(!('path' in health.sessions), `health.sessions: ${Object.keys(health.sessions).join(', ')}`);
      assert.equal(typeof health.sessions.count, 'number', 'the rest of the section is still there');
    });
  }

  it('operator.admin sees the state dir, database and config paths', async () => {
    const health = await call(['operator.admin'], 'health') as { sessions: { path: string } };
    assert.equal(health.sessions.path, `${gw.stateDir}/clawgate.db`);
    const list = await call(['operator.admin'], 'sessions.list') as { path: string };
    assert.equal(list.path, gw.stateDir);
    const status = await call(['operator.admin'], 'status') as { stateDir: string; health: { sessions: { path: string } } };
    assert.equal(status.stateDir, gw.stateDir);
    assert.equal(status.health.sessions.path, `${gw.stateDir}/clawgate.db`);
  });
});
