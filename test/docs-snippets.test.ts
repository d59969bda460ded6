// Every config snippet in the docs loads the way `gateway run` loads it: each ```json / ```json5
// block in docs/**/*.md and README.md goes through loadConfig and the agents' tool and model
// checks, and must give at least one agent. A block that is deliberately not a whole config
// says so in an HTML comment on the line before its fence, and the marker is tested too:
//   <!-- snippet: partial at gateway -->  a fragment of that section: alone it must NOT load,
//                                        wrapped in { gateway: { … } } it must;
//   <!-- snippet: output -->              a wire frame or command output (elisions like … allowed),
//                                        not a config: it must NOT load as one.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/load.js';
import { validateAgentsConfig } from '../src/main.js';
import { tempDir } from './fixtures/gateway.fixture.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Snippet { file: string; line: number; lang: string; body: string; marker: { kind: 'partial'; at: string } | { kind: 'output' } | undefined }

function markdownFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) markdownFiles(join(dir, e.name), out);
    else if (e.name.endsWith('.md')) out.push(join(dir, e.name));
  }
  return out;
}

/** The json/json5 fenced blocks of one markdown text, with the marker on the line before each. */
export function extractSnippets(file: string, text: string): Snippet[] {
  const lines = text.split('\n');
  const out: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*```(json5?|jsonc)\s*$/.exec(lines[i]!);
    if (!open) continue;
    let j = i + 1;
    while (j < lines.length && !/^\s*```\s*$/.test(lines[j]!)) j++;
    const prev = (lines[i - 1] ?? '').trim();
    const m = /<!--\s*snippet:\s*(partial at ([\w.]+)|output)\s*-->/.exec(prev);
    if (/<!--\s*snippet:/.test(prev) && !m) throw new Error(`${file}:${i}: unknown snippet marker ${prev}`);
    out.push({
      file, line: i + 1, lang: open[1]!, body: lines.slice(i + 1, j).join('\n'),
      marker: !m ? undefined : m[1] === 'output' ? { kind: 'output' } : { kind: 'partial', at: m[2]! },
    });
    i = j;
  }
  return out;
}

/** Any environment variable a snippet names is set (Slack tokens with their prefixes); the gateway's own secrets stay unset. */
const FAKE_ENV: Readonly<Record<string, string | undefined>> = new Proxy({}, {
  get: (_t, k) => {
    if (typeof k !== 'string' || /^CLAWGATE_(GATEWAY_TOKEN|GATEWAY_PASSWORD|CONFIG|STATE_DIR|IN_CONTAINER)$/.test(k)) return undefined;
    if (/SLACK.*APP/.test(k)) return 'xapp-1-docs-snippet-0123456789';
    if (/SLACK.*BOT/.test(k)) return 'xoxb-docs-snippet-0123456789';
    return 'docs-snippet-fake-secret-0123456789';
  },
});

/** Loads `text` as `gateway run` would (file → loadConfig → agents checks); returns the problem or undefined. */
function loadProblem(text: string): string | undefined {
  const dir = tempDir('clawgate-snippet-');
  try {
    const path = join(dir, 'clawgate.json5');
    writeFileSync(path, text);
    const cfg = loadConfig({ configPath: path, env: new Proxy({ CLAWGATE_STATE_DIR: dir }, { get: (t, k) => (k === 'CLAWGATE_STATE_DIR' ? t.CLAWGATE_STATE_DIR : FAKE_ENV[k as string]) }) });
    const issues = validateAgentsConfig(cfg);
    if (issues.length > 0) return issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    if (cfg.agents.list.length === 0) return 'the config loads with zero agents';
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const wrap = (body: string, at: string): string => at.split('.').reduceRight((inner, key) => `{ ${key}: ${inner} }`, `{\n${body}\n}`);

const snippets = [...markdownFiles(join(ROOT, 'docs')), join(ROOT, 'README.md')]
  .flatMap((f) => extractSnippets(relative(ROOT, f), readFileSync(f, 'utf8')));

describe('config snippets in the docs', () => {
  it('finds the snippets (the extractor works)', () => {
    assert.ok(snippets.length >= 20, `found ${snippets.length}`);
    assert.ok(snippets.some((s) => s.file === 'docs/getting-started.md' && /trusted-proxy/.test(s.body)));
  });

  for (const s of snippets) {
    const where = `${s.file}:${s.line}`;
    if (!s.marker) {
      it(`${where} loads as a config with agents`, () => {
        assert.equal(loadProblem(s.body), undefined, `${where} does not load:\n${s.body}`);
      });
    } else if (s.marker.kind === 'partial') {
      const at = s.marker.at;
      it(`${where} is a partial ${at} section: loads inside ${at}, not alone`, () => {
        assert.equal(loadProblem(wrap(s.body, at)), undefined, `${where} wrapped in ${at}:\n${wrap(s.body, at)}`);
        assert.notEqual(loadProblem(s.body), undefined, `${where} loads on its own: drop its "partial" marker`);
      });
    } else {
      it(`${where} is output, not a config`, () => {
        assert.notEqual(loadProblem(s.body), undefined, `${where} loads as a config: drop its "output" marker`);
      });
    }
  }
});

describe('snippet extraction', () => {
  it('reads markers and refuses an unknown one', () => {
    const md = ['<!-- snippet: partial at gateway.auth -->', '```json5', 'mode: "none"', '```', '', '```json', '{}', '```', '<!-- snippet: output -->', '```json', '[1]', '```'].join('\n');
    const got = extractSnippets('x.md', md);
    assert.deepEqual(got.map((s) => [s.line, s.lang, s.marker]), [[2, 'json5', { kind: 'partial', at: 'gateway.auth' }], [6, 'json', undefined], [10, 'json', { kind: 'output' }]]);
    assert.throws(() => extractSnippets('x.md', '<!-- snippet: maybe -->\n```json\n{}\n```'), /unknown snippet marker/);
    assert.equal(wrap('mode: "none"', 'gateway.auth'), '{ gateway: { auth: {\nmode: "none"\n} } }');
  });
});
