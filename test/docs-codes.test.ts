// Keeps docs/reference/{auth-reasons,errors}.md in step with the code registries in src: every code documented, none stale.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AUTH_REASONS, wireAuthReason } from '../src/protocol/auth-reasons.js';
import { DETAIL_CODES, ERROR_CODES } from '../src/protocol/error-codes.js';
import { DEVICE_AUTH_CODES, generateDeviceKeys, signDevice, verifyDevice, type DeviceClaim, type DeviceContext } from '../src/auth/device.js';

/** dist/test/docs-codes.test.js → the repository root. */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const doc = (name: string): string => readFileSync(join(REPO_ROOT, 'docs/reference', name), 'utf8');

/** The body of the `## heading` section, up to the next `## ` heading. */
function section(md: string, heading: string): string {
  const lines = md.split('\n');
  const start = lines.findIndex((l) => l.trim() === `## ${heading}`);
  assert.ok(start >= 0, `missing section "## ${heading}"`);
  const end = lines.findIndex((l, i) => i > start && /^## /.test(l));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** Data rows of the one table in `text`, as trimmed cells. */
function tableRows(text: string): string[][] {
  const rows = text.split('\n').filter((l) => l.trim().startsWith('|'))
    .map((l) => l.trim().replace(/^\||\|$/g, '').split('|').map((c) => c.trim()));
  const separators = rows.filter((r) => r.every((c) => /^:?-+:?$/.test(c)));
  assert.equal(separators.length, 1, 'expected exactly one table in the section');
  assert.ok(rows.length >= 2 && rows[1] === separators[0], 'the table starts with a header row and a separator');
  return rows.slice(2);
}

const unquote = (cell: string, what: string): string => {
  const m = /^`([^`]+)`$/.exec(cell);
  assert.ok(m, `${what}: expected a single code in backticks, got ${JSON.stringify(cell)}`);
  return m[1]!;
};

/** The backticked codes in the first column of a section's table. */
function documentedCodes(md: string, heading: string): string[] {
  return tableRows(section(md, heading)).map((r) => unquote(r[0]!, `"${heading}" first column`));
}

/** Asserts the documented list is exactly `expected`: nothing missing, nothing stale, no duplicates. */
function assertSameCodes(documented: readonly string[], expected: readonly string[]): void {
  const doc = new Set(documented);
  const want = new Set(expected);
  assert.deepEqual({
    missing: [...want].filter((c) => !doc.has(c)),
    stale: [...doc].filter((c) => !want.has(c)),
    duplicated: documented.filter((c, i) => documented.indexOf(c) !== i),
  }, { missing: [], stale: [], duplicated: [] });
}

/** One claim per device refusal, so the test reads the messages the gateway really sends. */
function deviceRefusals(): Map<string, string> {
  const keys = generateDeviceKeys();
  const now = 1_795_612_892_715;
  const nonce = 'c0ffee00-1111-4222-8333-444455556666';
  const fields = { clientId: 'cli', clientMode: 'cli', role: 'operator', scopes: ['operator.read'], token: '' };
  const ctx: DeviceContext = { ...fields, challengeNonce: nonce, nowMs: now };
  const good = signDevice(keys, { ...fields, nonce, signedAt: now });
  assert.equal(verifyDevice(good, ctx).ok, true, 'the baseline claim verifies');
  const claims: DeviceClaim[] = [
    { ...good, id: 42 },
    { ...good, publicKey: 'AAAA' },
    { ...good, id: '0'.repeat(64) },
    { ...good, signedAt: now - 60 * 60_000 },
    { ...good, nonce: undefined },
    { ...good, nonce: 'another-nonce' },
    { ...good, signature: Buffer.alloc(64).toString('base64url') },
  ];
  const out = new Map<string, string>();
  for (const c of claims) {
    const v = verifyDevice(c, ctx);
    assert.equal(v.ok, false);
    if (!v.ok) out.set(v.code, v.message);
  }
  return out;
}

describe('docs/reference/auth-reasons.md', () => {
  const md = doc('auth-reasons.md');

  it('documents every auth reason exactly once, in its wire form, and no reason src lacks', () => {
    assertSameCodes(documentedCodes(md, 'Reasons'), AUTH_REASONS.map((r) => wireAuthReason(r, '<name>')));
  });

  it('explains the parameterised missing-header reason and the refusal shapes', () => {
    assert.ok(documentedCodes(md, 'Reasons').includes('trusted_proxy_missing_header_<name>'));
    for (const text of ['"code":"INVALID_REQUEST"', '"message":"unauthorized"', '"code":"AUTH_UNAUTHORIZED"', '"code":"ORIGIN_NOT_ALLOWED"', '1008', 'origin not allowed (']) {
      assert.ok(md.includes(text), `auth-reasons.md should mention ${text}`);
    }
  });
});

describe('docs/reference/errors.md', () => {
  const md = doc('errors.md');

  it('documents every wire error code and no stale one', () => {
    assertSameCodes(documentedCodes(md, 'Wire error codes'), ERROR_CODES);
  });

  it('documents every detail code and no stale one', () => {
    assertSameCodes(documentedCodes(md, 'Detail codes'), DETAIL_CODES);
  });

  it('names a real wire code for every detail code', () => {
    for (const row of tableRows(section(md, 'Detail codes'))) {
      const wire = [...row[1]!.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]!);
      for (const w of wire) assert.ok((ERROR_CODES as readonly string[]).includes(w), `${row[0]}: ${w} is not a wire error code`);
    }
  });

  it('documents every device identity code, each of which is also a detail code', () => {
    assertSameCodes(documentedCodes(md, 'Device identity codes'), DEVICE_AUTH_CODES);
    for (const c of DEVICE_AUTH_CODES) assert.ok((DETAIL_CODES as readonly string[]).includes(c), `${c} missing from DETAIL_CODES`);
  });

  it('gives each device identity code the exact message the gateway sends', () => {
    const sent = deviceRefusals();
    assert.deepEqual([...sent.keys()].sort(), [...DEVICE_AUTH_CODES].sort(), 'one refusal per device code (add a claim for a new code)');
    for (const row of tableRows(section(md, 'Device identity codes'))) {
      const code = unquote(row[0]!, 'device code');
      assert.equal(unquote(row[1]!, `${code} message`), sent.get(code), code);
    }
  });

  it('documents every close code and reason the gateway sends', () => {
    const rows = tableRows(section(md, 'WebSocket close codes')).map((r) => `${r[0]} ${r[1]}`);
    // The gateway closes sockets only in transport/ and in main.ts (shutdown).
    const srcDir = join(REPO_ROOT, 'src');
    const files = [...readdirSync(join(srcDir, 'transport')).map((f) => join('transport', f)), 'main.ts']
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    const sent = new Set<string>();
    for (const f of files) {
      for (const m of readFileSync(join(srcDir, f), 'utf8').matchAll(/\b(1\d{3}), '([^']+)'/g)) sent.add(`${m[1]} \`${m[2]}\``);
    }
    for (const expected of ['1008 `unauthorized`', '1008 `origin not allowed`', '1002 `protocol mismatch`', '1003 `text frames only`', '1012 `service restart`']) {
      assert.ok(sent.has(expected), `the scan of src should find ${expected}`);
    }
    for (const s of sent) assert.ok(rows.includes(s), `close ${s} is sent by src but not documented`);
  });

  it('documents the 503 for too many pending handshakes', () => {
    const rows = tableRows(section(md, 'HTTP status codes'));
    assert.ok(rows.some((r) => r[0]!.startsWith('503') && r[1]!.includes('maxPreAuthConnectionsPerIp')));
  });
});
