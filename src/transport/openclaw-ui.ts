// Serves a built OpenClaw Control UI folder (`gateway.controlUi.root`) at controlUi.basePath,
// with the bootstrap file it fetches (`control-ui-config.json`, behind the gateway's HTTP auth).
// The folder is indexed once at startup: a request can only name a file in that index, so no
// path reaches outside it. Files are read when asked for (the UI is tens of megabytes).
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { HttpHandler, HttpRoute } from './http.js';
import { sendJson } from './http.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8', '.webmanifest': 'application/manifest+json',
  '.map': 'application/json; charset=utf-8', '.txt': 'text/plain; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.ico': 'image/x-icon', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp', '.avif': 'image/avif',
  '.woff': 'font/woff', '.woff2': 'font/woff2', '.ttf': 'font/ttf', '.otf': 'font/otf', '.wasm': 'application/wasm',
  '.mp3': 'audio/mpeg', '.wav': 'audio/wav', '.ogg': 'audio/ogg', '.mp4': 'video/mp4', '.webm': 'video/webm',
};
const MAX_FILES = 50_000;
const MAX_DEPTH = 12;

/** Inline `<script>` bodies (no src attribute) as CSP hash sources. */
export function inlineScriptHashes(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    if (/\ssrc\s*=/i.test(` ${m[1]}`) || !m[2]) continue;
    out.push(`'sha256-${createHash('sha256').update(m[2], 'utf8').digest('base64')}'`);
  }
  return out;
}

/**
 * As strict as that UI allows: scripts only from this origin plus the index page's own inline
 * scripts (by hash), WebAssembly compilation (its markdown/syntax engines), inline styles (Lit
 * and its components set style attributes), no third-party origins, no framing, no plugins.
 */
export function openclawUiCsp(hashes: readonly string[]): string {
  return [
    "default-src 'self'", "base-uri 'none'", "object-src 'none'", "frame-ancestors 'none'", "form-action 'self'",
    `script-src 'self' 'wasm-unsafe-eval'${hashes.length ? ` ${hashes.join(' ')}` : ''}`,
    "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:", "media-src 'self' data: blob:", "font-src 'self' data:",
    "worker-src 'self' blob:", "manifest-src 'self'", "connect-src 'self' ws: wss: data:", "frame-src 'self'",
  ].join('; ');
}

const BASE_HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' };

/** Relative paths ("assets/x.js") of the regular files under root, skipping symlinks and dotfiles. */
function indexFolder(root: string): Set<string> {
  const files = new Set<string>();
  const walk = (dir: string, rel: string, depth: number) => {
    if (depth > MAX_DEPTH) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.') || files.size >= MAX_FILES) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(dir, e.name), r, depth + 1);
      else if (e.isFile() && lstatSync(join(dir, e.name)).isFile()) files.add(r);
    }
  };
  walk(root, '', 0);
  return files;
}

export interface OpenClawUiOptions {
  readonly root: string;
  readonly basePath: string;
  /** The bootstrap payload (built per request: it may name the default agent). */
  readonly bootstrap: () => Record<string, unknown>;
  /** Wraps the bootstrap route in the gateway's HTTP auth (Origin gate + credentials). */
  readonly withAuth: (h: HttpHandler) => HttpHandler;
}

export function openclawUiRoutes(opts: OpenClawUiOptions): HttpRoute[] {
  const prefix = opts.basePath === '/' ? '' : opts.basePath;
  const files = indexFolder(opts.root);
  const safePrefix = prefix.replace(/[^A-Za-z0-9._~\-/]/g, '');
  // The built page names its files relative to itself ("./assets/x.js"); anchored at the base
  // path, they load from a deep link such as /settings/agents as well as from /.
  const html = readFileSync(join(opts.root, 'index.html'), 'utf8')
    .replace(/<html\b/i, `<html data-openclaw-control-ui-base-path="${safePrefix}"`)
    .replace(/\b(src|href)="\.\//g, `$1="${safePrefix}/`);
  const index = Buffer.from(html);
  const csp = openclawUiCsp(inlineScriptHashes(html));

  const sendIndex = (req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': TYPES['.html']!, 'content-length': index.length, 'cache-control': 'no-cache', 'content-security-policy': csp, ...BASE_HEADERS });
    res.end(req.method === 'HEAD' ? undefined : index);
  };
  const serve: HttpHandler = async (req, res) => {
    let rel: string;
    try { rel = decodeURIComponent((req.url ?? '/').split('?')[0]!.slice(prefix.length + 1)); } catch { rel = '\0'; }
    if (rel === '' || rel === 'index.html') return sendIndex(req, res);
    // A chunk asked for relative to a deep link (/settings/assets/x.js) is the bundle's own file.
    const nested = rel.indexOf('/assets/');
    if (!files.has(rel) && nested > 0 && files.has(rel.slice(nested + 1))) rel = rel.slice(nested + 1);
    if (!files.has(rel)) {
      // Client-side routes (/chat, /sessions/…) get the app; a missing asset is a 404.
      if (!/\.[A-Za-z0-9]{1,12}$/.test(rel)) return sendIndex(req, res);
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': csp, ...BASE_HEADERS });
      res.end('not found\n');
      return;
    }
    const body = await readFile(join(opts.root, rel));
    const ext = rel.slice(rel.lastIndexOf('.')).toLowerCase();
    res.writeHead(200, {
      'content-type': TYPES[ext] ?? 'application/octet-stream', 'content-length': body.length,
      'cache-control': rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      'content-security-policy': csp, ...BASE_HEADERS,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  const bootstrap: HttpHandler = (_req, res) => { sendJson(res, 200, opts.bootstrap()); };

  const routes: HttpRoute[] = [
    { method: 'GET', path: `${prefix}/control-ui-config.json`, handle: opts.withAuth(bootstrap) },
    { method: 'GET', path: `${prefix}/*`, handle: serve, allowUpgrade: true },
  ];
  if (prefix) routes.push({ method: 'GET', path: prefix, allowUpgrade: true, handle: (_q, res) => { res.writeHead(308, { location: `${prefix}/` }); res.end(); } });
  return routes;
}
