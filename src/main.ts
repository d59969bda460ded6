// Composition root: builds every component from the frozen config, listens, and returns a
// handle whose close() shuts everything down in order.
import { chmodSync } from 'node:fs';
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import type { FrozenConfig } from './config/load.js';
import { configuredSecrets } from './config/load.js';
import { createAuthStrategy } from './auth/index.js';
import { createLocalStrategy } from './auth/strategies/local.js';
import { createRateLimiter } from './auth/rate-limit.js';
import { publishLocalCredential, removeLocalCredential, type LocalEndpoint } from './config/state-files.js';
import { createOriginGate } from './auth/origin.js';
import { createAssertionVerifier } from './auth/assertion.js';
import { createProxyProof } from './auth/proxy-proof.js';
import { createScopeCeiling } from './auth/scopes.js';
import type { Principal } from './auth/decision.js';
import type { Ingress } from './transport/ingress.js';
import { hasScope } from './protocol/scopes.js';
import { createEventBus } from './rpc/events.js';
import { createHelloBuilder, createPresencePublisher } from './rpc/hello.js';
import { createPresence } from './rpc/presence.js';
import { createRouter, type CallContext, type MethodDef } from './rpc/registry.js';
import { formatIssues, validate } from './protocol/schema.js';
import { RpcError } from './protocol/error-codes.js';
import type { MethodServices } from './rpc/context.js';
import { systemMethods } from './rpc/methods/system.js';
import { agentsMethods } from './rpc/methods/agents.js';
import { sessionsMethods } from './rpc/methods/sessions.js';
import { agentMethods } from './rpc/methods/agent.js';
import { chatMethods } from './rpc/methods/chat.js';
import { channelsMethods } from './rpc/methods/channels.js';
import { logsMethods } from './rpc/methods/logs.js';
import { modelsMethods } from './rpc/methods/models.js';
import { configMethods } from './rpc/methods/config.js';
import { sessionLifecycleMethods } from './rpc/methods/sessions-lifecycle.js';
import { sessionsCompactMethods } from './rpc/methods/sessions-compact.js';
import { tasksMethods } from './rpc/methods/tasks.js';
import { createLogRing, teeToRing } from './util/log-ring.js';
import { createInProcessDialer, type Dialer } from './rpc/in-process.js';
import { responseLimits } from './rpc/paging.js';
import type { Router } from './rpc/registry.js';
import { openSqliteStore } from './store/sqlite.js';
import type { Store } from './store/types.js';
import { createRunManager, type RunManager } from './agents/runs.js';
import { createModelResolver } from './agents/models/index.js';
import { BUILTIN_TOOLS, BUILTIN_TOOL_NAMES } from './agents/tools/sessions.js';
import { validateAgentsConfig } from './agents/validate.js';
import { ConfigError } from './config/errors.js';
import { acquireStateLock, prepareStateDir, type StateLock } from './config/state-dir.js';
import { listen } from './transport/listen.js';
import { join } from 'node:path';
import { createHttpGateway, sendJson, type HttpGateway, type HttpRoute } from './transport/http.js';
import { handleConnection, type ConnectionDeps } from './transport/ws-connection.js';
import { createSendBudget } from './transport/send-budget.js';
import { createConnectionSlots } from './transport/conn-slots.js';
import { controlUiRoutes } from './transport/static-ui.js';
import { sessionViewMethods } from './rpc/methods/session-views.js';
import { chatStartupMethods } from './rpc/methods/chat-startup.js';
import { ABSENT_FEATURE_METHODS } from './rpc/methods/absent-features.js';
import { ABSENT_PAGE_METHODS } from './rpc/methods/absent-pages.js';
import { SKILLS_METHODS } from './rpc/methods/skills.js';
import { USAGE_METHODS } from './rpc/methods/usage.js';
import { toolsMethods } from './rpc/methods/tools.js';
import { diagnosticsMethods } from './rpc/methods/diagnostics.js';
import { commandsMethods } from './rpc/methods/commands.js';
import { createStabilityRecorder } from './rpc/stability.js';
import { effectiveTools } from './agents/effective-tools.js';
import { openclawUiRoutes } from './transport/openclaw-ui.js';
import { controlUiBootstrap } from './rpc/control-ui-bootstrap.js';
import { withHttpAuth } from './transport/http-auth.js';
import { createGatewayMetrics, metricsHandler } from './metrics/gateway.js';
import { createIpMatcher } from './util/ip.js';
import { createLogger, type Logger } from './util/log.js';
import { VERSION } from './version.js';
import { createChannels } from './channels/index.js';


/** Calls sessions.list as registered (its own params schema and handler), for sessions.subscribe. */
function listThrough(methods: readonly MethodDef[]) {
  const def = methods.find((m) => m.name === 'sessions.list')!;
  return (ctx: CallContext, params: Record<string, unknown>) => {
    const parsed = validate(def.params, params);
    if (!parsed.ok) throw new RpcError('INVALID_REQUEST', `invalid sessions.subscribe params: ${formatIssues(parsed.issues)}`, { details: { code: 'INVALID_PARAMS', issues: parsed.issues } });
    return def.handle(ctx, parsed.value);
  };
}

export { GATEWAY_EVENTS } from './rpc/hello.js';

export interface GatewayHandle {
  readonly url: string;
  /** The local listener's socket path, when it runs. */
  readonly localSocket: string | undefined;
  readonly host: string;
  readonly port: number;
  readonly config: FrozenConfig;
  readonly log: Logger;
  readonly store: Store;
  readonly runs: RunManager;
  /** Opens an in-process client (the internal path); for channels, tests and benchmarks. */
  readonly dial: Dialer;
  close(reason?: string): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  now?: () => number;
  /** Serve the same-host listener (Unix socket + per-boot secret in the state dir); default true. */
  localListener?: boolean;
  /** The state dir's lock when the caller took it already (gateway run does, before writing anything). */
  stateLock?: StateLock;
}

/** How often the database file is checked for deletion or replacement (also checked on every write and /readyz). */
const STORE_CHECK_MS = 5_000;

async function stopHttp(h: HttpGateway): Promise<void> {
  for (const ws of h.wss.clients) ws.close(1012, 'service restart');
  await new Promise<void>((resolve) => {
    h.server.close(() => resolve());
    setTimeout(() => { for (const ws of h.wss.clients) ws.terminate(); h.server.closeAllConnections(); }, 1_000).unref();
  });
}

/**
 * The same-host path for local processes such as the CLI: a Unix socket in the 0700 runtime
 * folder, authenticated by a per-boot secret in a 0600 file. It works in every auth mode and
 * no proxy can reach it.
 */
async function startLocalListener(stateDir: string, deps: ConnectionDeps, routes: HttpRoute[], log: Logger): Promise<{ http: HttpGateway; endpoint: LocalEndpoint } | undefined> {
  const { endpoint, secret } = publishLocalCredential(stateDir);
  log.addSecret(secret);
  if (Buffer.byteLength(endpoint.socketPath) > 100) {
    log.warn('local listener disabled: socket path too long', { path: endpoint.socketPath });
    removeLocalCredential(endpoint);
    return undefined;
  }
  const strategy = createLocalStrategy(secret, createRateLimiter({ maxAttempts: 10, windowMs: 60_000, lockoutMs: 60_000 }));
  const localDeps: ConnectionDeps = {
    ...deps,
    // No browser belongs on a Unix socket: browser client ids are refused here, and any Origin
    // is refused by the local strategy itself (local_forwarded).
    handshake: { ...deps.handshake, strategy, originAllowed: (_ingress, isBrowser) => !isBrowser },
  };
  const http = createHttpGateway({
    routes,
    trustedProxies: createIpMatcher([]),
    maxPreAuthPayload: deps.limits.maxPreAuthPayload,
    maxPreAuthConnectionsPerIp: 64,
    onConnection: (ws, ingress, release) => { handleConnection(ws, ingress, localDeps, release); },
    log,
  });
  await listen(http.server, { path: endpoint.socketPath });
  chmodSync(endpoint.socketPath, 0o600);
  return { http, endpoint };
}

export { validateAgentsConfig };

/** Times every dispatch (socket and in-process callers alike) for the RPC latency histogram. */
function timedRouter(inner: Router, observe: (method: string, ok: boolean, seconds: number) => void): Router {
  return {
    methods: inner.methods,
    async dispatch(ctx, frame) {
      const t0 = performance.now();
      const r = await inner.dispatch(ctx, frame);
      observe(frame.method, r.ok, (performance.now() - t0) / 1000);
      return r;
    },
  };
}

export async function startGateway(config: FrozenConfig, opts: StartOptions = {}): Promise<GatewayHandle> {
  prepareStateDir(config.stateDir);
  const lock = opts.stateLock ?? acquireStateLock(config.stateDir);
  const cleanup: (() => void)[] = [() => lock.release()];
  try {
    return await boot(config, opts, lock, cleanup);
  } catch (err) {
    for (const c of cleanup.reverse()) { try { c(); } catch { /* best effort */ } }
    throw err;
  }
}

async function boot(config: FrozenConfig, opts: StartOptions, lock: StateLock, cleanup: (() => void)[]): Promise<GatewayHandle> {
  // Every line also goes, redacted, to a bounded in-memory ring that logs.tail reads.
  const logRing = createLogRing();
  const log = teeToRing(opts.log ?? createLogger({ level: config.logging.level, format: config.logging.format, secrets: configuredSecrets(config) }),
    logRing, config.logging.level, configuredSecrets(config));
  for (const s of configuredSecrets(config)) log.addSecret(s);
  const now = opts.now ?? Date.now;
  const startedAt = Date.now();
  const g = config.gateway;
  const bus = createEventBus();
  const presence = createPresence();
  let connections = 0;
  let boundPort = config.gateway.port;
  // metrics (docs/metrics.md): fed by handshake decisions (connDeps) and the bus's agent events
  const metrics = createGatewayMetrics({ startedAt, connections: () => connections, toolNames: BUILTIN_TOOL_NAMES, methodNames: () => router?.methods ?? [] });
  bus.subscribe({ connId: 'internal:metrics', scopes: ['operator.admin'], owner: null, deliver: metrics.observe });

  const services: MethodServices = {
    facts: { version: VERSION, startedAt, hostname: hostname(), config, connectionCount: () => connections, listenPort: () => boundPort },
    presence, bus,
  };
  const agentIssues = validateAgentsConfig(config);
  if (agentIssues.length > 0) throw new ConfigError(config.configPath ?? 'embedded defaults', agentIssues);
  const resolveModel = createModelResolver(config.models);

  const dbPath = join(config.stateDir, 'clawgate.db');
  const store = openSqliteStore(dbPath, Date.now, {
    onUnavailable: (reason) => log.error('database unavailable: writes are refused and /readyz fails until the gateway is restarted', { reason }),
  });
  cleanup.push(() => store.close());
  const storeCheck = setInterval(() => store.health(), STORE_CHECK_MS);
  storeCheck.unref();
  cleanup.push(() => clearInterval(storeCheck));
  const interrupted = store.interruptInFlight();
  if (interrupted > 0) log.warn('runs interrupted by the previous stop', { count: interrupted });

  let router: Router | undefined;
  const dial = createInProcessDialer(() => router!, bus, { maxResponseBytes: g.limits.maxPayload });
  const runs = createRunManager({ config, store, bus, dial, resolveModel, tools: BUILTIN_TOOLS, log });
  // diagnostics.stability (docs/protocol.md): memory and event-loop samples, run outcomes, refused connects.
  const stability = createStabilityRecorder({ activeRuns: () => runs.activeCount, connections: () => connections, startedAt });
  cleanup.push(() => stability.stop());
  bus.subscribe({ connId: 'internal:stability', scopes: ['operator.admin'], owner: null, deliver: (e) => { if (e.event === 'agent') stability.observeAgent(e.payload); } });
  const methods: MethodDef[] = [
    ...systemMethods(services, {
      sessions: { path: dbPath, count: (owner, agentId) => store.countSessions(agentId, owner), recent: (owner, agentId, limit) => store.listSessions({ ...(owner !== undefined ? { owner } : {}), agentId, limit }), active: () => runs.activeCount },
      channels: () => channels.health(),
    }),
    ...channelsMethods(() => channels.health()), ...logsMethods(logRing), ...modelsMethods(config), ...configMethods(config), ...sessionLifecycleMethods(runs, store, bus), ...sessionsCompactMethods(store, bus), ...tasksMethods(store, responseLimits(g.limits)),
    ...agentsMethods(services), ...sessionsMethods(services, runs, store), ...agentMethods(runs, (id) => { const r = store.getSessionById(id); return r ? { owner: r.owner, key: r.key } : undefined; }), ...chatMethods(runs, store, responseLimits(g.limits)),
  ];
  // OpenClaw Control UI / TUI reads (docs/protocol.md#methods-openclaw-clients-call).
  methods.push(...sessionViewMethods({ store, list: listThrough(methods) }), ...chatStartupMethods(services, store), ...ABSENT_FEATURE_METHODS,
    // The Control UI's other pages (docs/control-ui.md#openclaws-control-ui).
    ...ABSENT_PAGE_METHODS, ...SKILLS_METHODS, ...USAGE_METHODS,
    ...toolsMethods(effectiveTools(config), () => (config.agents.list.find((a) => a.default) ?? config.agents.list[0])?.id),
    ...diagnosticsMethods(stability), ...commandsMethods(() => config.agents.list.map((a) => ({ id: a.id, model: a.model ?? config.agents.defaults.model, default: a.default }))));
  router = timedRouter(createRouter(methods, log), metrics.rpc);
  // Channels start once the gateway listens and stop first on close.
  const channels = await createChannels(config, { dial, log });

  const strategy = createAuthStrategy(g.auth, now);
  // trustedProxy.assertion: verified once per request at the edge (transport/http.ts), read by the strategy.
  const assertionCfg = g.auth.mode === 'trusted-proxy' ? g.auth.assertion : undefined;
  const assertion = assertionCfg ? createAssertionVerifier(assertionCfg, {
    now,
    onFetchError: (reason) => log.warn('assertion key set unavailable: refusing assertions until it can be fetched', {
      jwksUrl: 'url' in assertionCfg.keys ? assertionCfg.keys.url.split('?')[0] : undefined, reason,
    }),
  }) : undefined;
  const hello = createHelloBuilder({ config, methods: router.methods, presence, version: VERSION, startedAt });
  const presenceEvents = createPresencePublisher(bus, presence);

  const scopeCeiling = createScopeCeiling(g.auth);
  // GET /metrics shows every connection and run: operator.admin only (docs/metrics.md).
  const metricsAccess = { scope: 'operator.admin', allowed: (p: Principal, ingress: Ingress) => hasScope(scopeCeiling(p, ingress), 'operator.admin') };
  const connDeps: ConnectionDeps = {
    handshake: { strategy, originAllowed: createOriginGate(g.controlUi.allowedOrigins), now, deviceSkewMs: 10 * 60_000, scopeCeiling },
    router, bus, log, helloFrame: hello.frame,
    limits: g.limits,
    sendBudget: createSendBudget({ perConnection: g.limits.maxBufferedBytes, total: g.limits.maxTotalBufferedBytes }),
    slots: createConnectionSlots(g.limits),
    onAuthDecision: (result, reason, seconds) => { metrics.authDecision(result, reason, seconds); stability.authDecision(result, reason); },
    onAuthenticated: ({ connId, accepted, ingress }) => {
      connections++;
      const c = accepted.params.client;
      presence.add({
        connId, ip: ingress.clientIp, version: c.version, platform: c.platform, mode: c.mode, reason: 'connect', ts: Date.now(),
        text: `${c.displayName ?? c.id} (${c.mode})`, roles: [accepted.role], scopes: [...accepted.scopes],
        ...(c.deviceFamily ? { deviceFamily: c.deviceFamily } : {}), ...(c.instanceId ? { instanceId: c.instanceId } : {}),
      });
      log.debug('connected', { connId, remote: ingress.clientIp, client: `${c.id} ${c.mode} v${c.version}`, principal: accepted.principal.kind });
      presenceEvents.changed();
      return () => { connections--; presence.remove(connId); presenceEvents.changed(); };
    },
  };

  let ready = false;
  const routes: HttpRoute[] = [
    { method: 'GET', path: '/healthz', handle: (_q, res) => sendJson(res, 200, { ok: true }) },
    { method: 'GET', path: '/readyz', handle: (_q, res) => {
      const db = store.health();
      if (!db.ok) { sendJson(res, 503, { ready: false, reason: 'database_unavailable' }); return; }
      sendJson(res, ready ? 200 : 503, { ready });
    } },
    ...(g.metrics.enabled ? [{ method: 'GET' as const, path: '/metrics', handle: g.metrics.public ? metricsHandler(metrics)
      : withHttpAuth(metricsHandler(metrics), { strategy, originAllowed: connDeps.handshake.originAllowed, log, authorize: metricsAccess }) }] : []),
    ...(!g.controlUi.enabled ? [] : g.controlUi.root ? openclawUiRoutes({
      root: g.controlUi.root, basePath: g.controlUi.basePath,
      bootstrap: () => controlUiBootstrap(config, VERSION),
      withAuth: (h) => withHttpAuth(h, { strategy, originAllowed: connDeps.handshake.originAllowed, log }),
    }) : controlUiRoutes(g.controlUi.basePath)),
  ];
  const http = createHttpGateway({
    routes,
    trustedProxies: createIpMatcher(g.trustedProxies),
    ...(assertion ? { assertion } : {}),
    ingress: { proof: createProxyProof(g.auth.mode === 'trusted-proxy' ? g.auth : {}), ipv6Prefix: g.limits.ipv6Prefix },
    maxPreAuthPayload: g.limits.maxPreAuthPayload,
    maxPreAuthConnectionsPerIp: g.limits.maxPreAuthConnectionsPerIp,
    onConnection: (ws, ingress, release) => { handleConnection(ws, ingress, connDeps, release); },
    log,
  });

  await listen(http.server, { port: g.port, host: g.bindHost });
  cleanup.push(() => { http.server.close(); });
  const local = opts.localListener === false ? undefined : await startLocalListener(config.stateDir, connDeps, routes, log);
  if (local) cleanup.push(() => { local.http.server.close(); removeLocalCredential(local.endpoint); });
  const addr = http.server.address() as AddressInfo;
  boundPort = addr.port;
  lock.setPort(addr.port);
  const urlHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const tick = setInterval(() => bus.publish({ event: 'tick', payload: { ts: Date.now() } }), g.limits.tickIntervalMs);
  tick.unref();
  channels.start(); // connects in the background: startup never waits for Slack
  ready = true;

  let closed: Promise<void> | undefined;
  return {
    url: `ws://${urlHost}:${addr.port}`,
    localSocket: local?.endpoint.socketPath,
    store, runs, dial,
    host: addr.address,
    port: addr.port,
    config,
    log,
    close(reason = 'gateway stopping') {
      closed ??= (async () => {
        ready = false;
        clearInterval(tick);
        presenceEvents.stop();
        bus.publish({ event: 'shutdown', payload: { reason } });
        await channels.stop(); // no new channel work during shutdown
        await runs.stopAll();
        await Promise.all([stopHttp(http), local ? stopHttp(local.http) : undefined]);
        if (local) removeLocalCredential(local.endpoint);
        clearInterval(storeCheck);
        stability.stop();
        store.close();
        lock.release();
      })();
      return closed;
    },
  };
}
