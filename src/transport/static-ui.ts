// Serves the prebuilt control UI (dist/ui) at controlUi.basePath. Files are read once at
// startup into memory, so requests never touch the filesystem and no path can escape.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { HttpRoute } from './http.js';

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** dist/ui, seen from dist/src/transport/ (tsc output) or from dist/bundle/ (the CLI bundle). */
export const UI_DIR = [new URL('../../ui/', import.meta.url), new URL('../ui/', import.meta.url)]
  .map((u) => fileURLToPath(u)).find((d) => existsSync(`${d}index.html`)) ?? fileURLToPath(new URL('../../ui/', import.meta.url));

export function controlUiRoutes(basePath: string, dir = UI_DIR): HttpRoute[] {
  const prefix = basePath === '/' ? '' : basePath;
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const name of ['index.html', 'app.js', 'app.css']) {
    const p = `${dir}${name}`;
    if (!existsSync(p)) continue;
    let body = readFileSync(p);
    if (name === 'index.html') body = Buffer.from(body.toString('utf8').replace('data-base-path="/"', `data-base-path="${basePath}"`));
    files.set(name, { body, type: TYPES[name.slice(name.lastIndexOf('.'))]! });
  }
  const index = files.get('index.html') ?? { body: Buffer.from('<!doctype html><p>The control UI is not built. Run <code>npm run build</code>.</p>'), type: TYPES['.html']! };
  const serve = (f: { body: Buffer; type: string }, cache: string): HttpRoute['handle'] => (req, res) => {
    res.writeHead(200, { 'content-type': f.type, 'content-length': f.body.length, 'cache-control': cache, ...SECURITY_HEADERS });
    res.end(req.method === 'HEAD' ? undefined : f.body);
  };
  const routes: HttpRoute[] = [{ method: 'GET', path: `${prefix}/`, handle: serve(index, 'no-cache'), allowUpgrade: true }];
  if (prefix) routes.push({ method: 'GET', path: prefix, allowUpgrade: true, handle: (_q, res) => { res.writeHead(308, { location: `${prefix}/` }); res.end(); } });
  for (const name of ['app.js', 'app.css']) {
    const f = files.get(name);
    if (f) routes.push({ method: 'GET', path: `${prefix}/${name}`, handle: serve(f, 'no-cache'), allowUpgrade: true });
  }
  return routes;
}
