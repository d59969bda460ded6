// The control UI's protocol client: one WebSocket to the gateway it was served from, the
// connect handshake as client `openclaw-control-ui`, request/response matching and events.

export type ConnState = 'connecting' | 'connected' | 'refused' | 'disconnected';

export interface Refusal { message: string; authReason?: string; closeCode?: number; closeReason?: string }

type Listener = (payload: any) => void;

export class UiGateway {
  private ws: WebSocket | undefined;
  private seq = 0;
  private pending = new Map<string, { resolve: (v: any) => void; reject: (e: Error) => void; final: boolean }>();
  private listeners = new Map<string, Set<Listener>>();
  private retry = 0;
  private stopped = false;
  hello: any;

  constructor(
    private readonly url: string,
    private readonly auth: { token?: string; password?: string },
    private readonly onState: (s: ConnState, refusal?: Refusal) => void,
  ) {}

  start(): void { this.stopped = false; this.open(); }
  stop(): void { this.stopped = true; this.ws?.close(1000, 'bye'); }

  on(event: string, cb: Listener): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(cb);
    return () => set!.delete(cb);
  }

  /** Sends a request; with `final`, skips an `accepted` ack and resolves with the last frame. */
  request<T = any>(method: string, params: unknown = {}, final = false): Promise<T> {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN || !this.hello) return Promise.reject(new Error('not connected'));
    const id = `ui-${++this.seq}`;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, final });
      ws.send(JSON.stringify({ type: 'req', id, method, params }));
    });
  }

  private open(): void {
    this.onState('connecting');
    const ws = new WebSocket(this.url);
    this.ws = ws;
    let refusal: Refusal | undefined;
    ws.onmessage = (ev) => {
      let f: any;
      try { f = JSON.parse(String(ev.data)); } catch { return; }
      if (f.type === 'event' && f.event === 'connect.challenge') {
        ws.send(JSON.stringify({ type: 'req', id: 'connect', method: 'connect', params: {
          minProtocol: 4, maxProtocol: 4,
          client: { id: 'openclaw-control-ui', displayName: 'clawgate control UI', version: '0.1.0', platform: 'web', mode: 'webchat' },
          // operator.admin is granted only where the gateway's ceiling allows it (secret holders, admin
          // people and groups); it lets the UI show every owner's sessions (docs/control-ui.md).
          role: 'operator', scopes: ['operator.read', 'operator.write', 'operator.admin'], caps: ['tool-events'],
          auth: this.auth, userAgent: navigator.userAgent.slice(0, 200), locale: navigator.language,
        } }));
        return;
      }
      if (f.type === 'res' && f.id === 'connect') {
        if (f.ok) { this.hello = f.payload; this.retry = 0; this.onState('connected'); }
        else refusal = { message: f.error?.message ?? 'refused', authReason: f.error?.details?.authReason };
        return;
      }
      if (f.type === 'event') {
        for (const cb of this.listeners.get(f.event) ?? []) cb(f.payload);
        return;
      }
      if (f.type === 'res') {
        const p = this.pending.get(f.id);
        if (!p) return;
        if (f.ok && p.final && f.payload?.status === 'accepted') return;
        this.pending.delete(f.id);
        if (f.ok) p.resolve(f.payload); else p.reject(Object.assign(new Error(f.error?.message ?? 'failed'), { code: f.error?.code, details: f.error?.details }));
      }
    };
    ws.onclose = (ev) => {
      this.hello = undefined;
      for (const p of this.pending.values()) p.reject(new Error('disconnected'));
      this.pending.clear();
      if (refusal) {
        this.onState('refused', { ...refusal, closeCode: ev.code, closeReason: ev.reason });
        return; // a refusal will not fix itself by retrying
      }
      this.onState('disconnected', ev.code ? { message: `connection closed (${ev.code}${ev.reason ? `: ${ev.reason}` : ''})`, closeCode: ev.code, closeReason: ev.reason } : undefined);
      if (this.stopped) return;
      const delay = Math.min(30_000, 500 * 2 ** this.retry++);
      setTimeout(() => { if (!this.stopped) this.open(); }, delay);
    };
  }
}

/** The WebSocket URL for the gateway that served this page (same origin, same base path). */
export function gatewayUrl(loc: Location, basePath: string): string {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}${basePath === '/' ? '/' : basePath}`;
}

/**
 * Reads `#token=` / `#password=` from the fragment once, then removes the fragment from the
 * address bar and history. The secret stays in sessionStorage for this tab only.
 */
export function takeCredentials(loc: Location, hist: History, store: Storage): { token?: string; password?: string } {
  const params = new URLSearchParams(loc.hash.replace(/^#/, ''));
  const token = params.get('token') ?? undefined;
  const password = params.get('password') ?? undefined;
  if (token || password) {
    hist.replaceState(null, '', loc.pathname + loc.search);
    if (token) store.setItem('clawgate.token', token);
    if (password) store.setItem('clawgate.password', password);
  }
  const t = token ?? store.getItem('clawgate.token') ?? undefined;
  const p = password ?? store.getItem('clawgate.password') ?? undefined;
  return { ...(t ? { token: t } : {}), ...(p ? { password: p } : {}) };
}
