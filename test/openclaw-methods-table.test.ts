// docs/protocol.md's table of the methods OpenClaw clients call agrees with the code: every
// "implemented" or "empty" method is registered and advertised in hello-ok, every "unsupported"
// one is not, each row's scope is the scope the gateway enforces, and each "empty" method
// answers OpenClaw's empty state (no error, nothing listed).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectWs } from '../src/client/ws.js';
import type { GatewayClient } from '../src/client/client.js';
import { requiredScope } from '../src/protocol/scopes.js';
import { bootGateway, type TestGateway } from './fixtures/gateway.fixture.js';
import { REPO_ROOT } from './fixtures/proxies.fixture.js';

interface Row { method: string; status: string; scope: string }

function tableRows(): Row[] {
  const md = readFileSync(join(REPO_ROOT, 'docs', 'protocol.md'), 'utf8');
  const start = md.indexOf('\n## Methods OpenClaw clients call');
  assert.ok(start >= 0, 'docs/protocol.md has the section');
  const section = md.slice(start + 1, md.indexOf('\n## ', start + 1));
  return section.split('\n').filter((l) => /^\| `/.test(l)).map((l) => {
    const cells = l.split('|').map((c) => c.trim());
    return { method: cells[1]!.replace(/`/g, ''), status: cells[3]!, scope: cells[4]! };
  });
}

/** Every list-like value in a payload, so "empty" can be checked without knowing each shape. */
function lists(v: unknown): unknown[][] {
  if (Array.isArray(v)) return [v, ...v.flatMap(lists)];
  if (v && typeof v === 'object') return Object.values(v).flatMap(lists);
  return [];
}

describe('docs/protocol.md: methods OpenClaw clients call', () => {
  const TOKEN = 'methods-table-token-0123456789';
  let gw: TestGateway;
  let client: GatewayClient;
  let advertised: string[];
  const rows = tableRows();
  before(async () => {
    gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN } } });
    const c = await connectWs({ url: gw.url, token: TOKEN, scopes: ['operator.admin'] });
    client = c.client;
    advertised = [...c.hello.features.methods];
  });
  after(async () => { client?.close(); await gw?.stop(); });

  it('has one row per method, each with a known status', () => {
    assert.ok(rows.length >= 40, `${rows.length} rows`);
    assert.equal(new Set(rows.map((r) => r.method)).size, rows.length, 'no duplicate rows');
    for (const r of rows) assert.ok(['implemented', 'empty', 'unsupported'].includes(r.status), `${r.method}: ${r.status}`);
  });

  it('lists as implemented or empty exactly the methods the gateway registers, with their scopes', () => {
    for (const r of rows) {
      if (r.method === 'connect') continue;
      const registered = advertised.includes(r.method);
      assert.equal(registered, r.status !== 'unsupported', `${r.method} is ${registered ? '' : 'not '}registered but the table says ${r.status}`);
      if (registered) assert.equal(`operator.${r.scope}`, requiredScope(r.method), `${r.method}: table scope ${r.scope}`);
    }
  });

  it('answers every "empty" method without an error and with nothing listed', async () => {
    for (const r of rows.filter((x) => x.status === 'empty')) {
      const payload = await client.request(r.method, {});
      assert.ok(payload !== undefined && payload !== null, r.method);
      for (const l of lists(payload)) assert.equal(l.length, 0, `${r.method} lists something: ${JSON.stringify(payload)}`);
    }
  });

  it('refuses every "unsupported" method as unknown', async () => {
    for (const r of rows.filter((x) => x.status === 'unsupported')) {
      await assert.rejects(client.request(r.method, {}), (e: Error & { details?: { code?: string } }) => e.details?.code === 'UNKNOWN_METHOD' || /unknown method/.test(e.message), r.method);
    }
  });
});
