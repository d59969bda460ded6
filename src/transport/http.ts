// One HTTP server on one port: a few HTTP routes (health probes, the control UI) and the
// WebSocket control plane on every other path. Ingress attribution is computed once per
// request here and handed to whatever handles it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AssertionVerdict, AssertionVerifier } from '../auth/assertion.js';
import { normalizeIp, type IpMatcher } from '../util/ip.js';
import type { Logger } from '../util/log.js';
import { attributeIngress, headerPairs, type Ingress, type IngressOptions } from './ingress.js';

export type HttpHandler = (req: IncomingMessage, res: ServerResponse, ingress: Ingress) => void | Promise<void>;

export interface HttpRoute {
  readonly method: 'GET' | 'HEAD' | 'POST';
  /** Exact path, or a prefix when it ends with "/*". */
  readonly path: string;
  readonly handle: HttpHandler;
  /** WebSocket upgrades on this path still go to the control plane (the UI's own page). */
  readonly allowUpgrade?: boolean;
}

export interface HttpServerOptions {
  readonly routes: readonly HttpRoute[];
  /** Fallback for GET/HEAD requests no route took (the control UI), else 404. */
  readonly fallback?: HttpHandler;
  readonly trustedProxies: IpMatcher;
  /** Verifies the proxy's signed identity assertion (trustedProxy.assertion), for trusted peers only. */
  readonly assertion?: AssertionVerifier;
  /** Proof a trusted proxy must give before its forwarded addresses count, and the IPv6 key prefix. */
  readonly ingress?: IngressOptions;
  readonly maxPreAuthPayload: number;
  readonly maxPreAuthConnectionsPerIp: number;
  /** `releasePreAuth` frees the connection's pending-handshake slot once it authenticates. */
  readonly onConnection: (ws: WebSocket, ingress: Ingress, releasePreAuth: () => void) => void;
  readonly log: Logger;
}

export interface HttpGateway {
  readonly server: Server;
  readonly wss: WebSocketServer;
}

const matches = (route: HttpRoute, method: string, path: string): boolean =>
  (route.method === method || (route.method === 'GET' && method === 'HEAD')) &&
  (route.path.endsWith('/*') ? path.startsWith(route.path.slice(0, -1)) || path === route.path.slice(0, -2) : path === route.path);

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function abortUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = `${reason}\n`;
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

export function createHttpGateway(opts: HttpServerOptions): HttpGateway {
  const { log } = opts;
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxPreAuthPayload, perMessageDeflate: false, clientTracking: true });
  const preAuth = new Map<string, number>();
  const routePaths = new Set(opts.routes.filter((r) => !r.allowUpgrade).map((r) => r.path));
  // One warning per proxy and hop shape, bounded: a proxy sending hops we cannot read means
  // every client behind it is counted as the proxy, which the operator must hear about once.
  const warnedHops = new Set<string>();
  const attribute = (req: IncomingMessage, assertion?: AssertionVerdict): Ingress => {
    const ingress = attributeIngress(req, opts.trustedProxies, { ...opts.ingress, assertion });
    if (ingress.unparsedHop !== undefined && warnedHops.size <= 32) {
      const shape = `${ingress.peer} ${ingress.unparsedHop.replace(/[0-9]/g, '0').replace(/[a-z]/gi, 'a')}`;
      if (!warnedHops.has(shape)) {
        warnedHops.add(shape);
        log.warn(warnedHops.size > 32 ? 'forwarded hop not understood (further ones are not logged)' : 'forwarded hop not understood', {
          peer: ingress.peer, hop: ingress.unparsedHop, attributedTo: ingress.clientIp,
          hint: 'the request is counted as its proxy; send the client address as "ip", "ip:port" or "[v6]:port" (see docs/auth.md)',
        });
      }
    }
    return ingress;
  };
  /** Only a trusted proxy's request carries an assertion to verify (others never cost a verification). */
  const verifies = (req: IncomingMessage): boolean =>
    opts.assertion !== undefined && opts.trustedProxies.matches(normalizeIp(req.socket.remoteAddress)?.ip);
  /** Ingress, with the assertion verified once when the peer is a trusted proxy. */
  const ingressOf = async (req: IncomingMessage): Promise<Ingress> => {
    if (!verifies(req)) return attribute(req);
    return attribute(req, await opts.assertion!.verify(headerPairs(req.rawHeaders)));
  };

  // connectionsCheckingInterval: how often node enforces the two timeouts (default 30 s), so a
  // slowloris client is cut off within ~20 s instead of up to 45 s.
  const server = createServer({ requestTimeout: 30_000, headersTimeout: 15_000, keepAliveTimeout: 5_000, connectionsCheckingInterval: 5_000 }, (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const method = req.method ?? 'GET';
    const route = opts.routes.find((r) => matches(r, method, path));
    const handler = route?.handle ?? ((method === 'GET' || method === 'HEAD') ? opts.fallback : undefined);
    if (!handler) { sendJson(res, 404, { error: 'not found' }); return; }
    ingressOf(req).then((ingress) => handler(req, res, ingress)).catch((err: unknown) => {
      log.error('http handler failed', { path, err });
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });

  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const path = (req.url ?? '/').split('?')[0]!;
    if (routePaths.has(path)) { abortUpgrade(socket, 404, 'Not Found'); return; }
    if (!verifies(req)) {
      // Nothing to wait for: attribute and upgrade in this turn (no promise per connection).
      let ingress: Ingress;
      try { ingress = attribute(req); } catch (err) { log.error('upgrade failed', { err }); socket.destroy(); return; }
      upgrade(req, socket, head, ingress);
      return;
    }
    void ingressOf(req).then((ingress) => {
      if (!socket.destroyed) upgrade(req, socket, head, ingress);
    }, (err: unknown) => { log.error('upgrade failed', { err }); socket.destroy(); });
  });

  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer, ingress: Ingress): void => {
    const key = ingress.clientKey;
    const open = preAuth.get(key) ?? 0;
    if (open >= opts.maxPreAuthConnectionsPerIp) {
      log.warn('too many pending handshakes', { remote: key, peer: ingress.peer, limit: opts.maxPreAuthConnectionsPerIp });
      abortUpgrade(socket, 503, 'Service Unavailable');
      return;
    }
    preAuth.set(key, open + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const n = (preAuth.get(key) ?? 1) - 1;
      if (n <= 0) preAuth.delete(key); else preAuth.set(key, n);
    };
    socket.once('close', release);
    wss.handleUpgrade(req, socket, head, (ws) => opts.onConnection(ws, ingress, release));
  };

  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    const timedOut = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    if (socket.writable) socket.end(timedOut ? 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n' : 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  return { server, wss };
}
