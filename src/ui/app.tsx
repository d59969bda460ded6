// The control UI: connection state, who you are, agents, a live session tree (subagents nested
// under their parents) and a chat with streamed output and tool calls. Preact, bundled by
// esbuild at install time; talks to the gateway over the same WebSocket as every client.
import { render } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { gatewayUrl, takeCredentials, UiGateway, type ConnState, type Refusal } from './gateway.js';
import { explainRefusal } from './reasons.js';
import { displayName, isAgent, isMe } from './people.js';

interface Session { key: string; ownerId?: string; agentId: string; label?: string; spawnedBy?: string; status: string; actingFor: string; depth: number; updatedAt: number }
interface Agent { id: string; name?: string; model?: { primary?: string } }
interface Msg { role: string; content: any; toolName?: string; isError?: boolean; actingFor?: string; sender?: string; timestamp: number }
interface LiveTool { id: string; name: string; phase: string; args?: unknown; result?: unknown; isError?: boolean }

const basePath = document.documentElement.dataset.basePath || '/';

const short = (v: unknown, n = 160): string => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > n ? `${s.slice(0, n)}…` : s;
};

/** A session's identity in the tree: its key within its owner (an admin sees several people's `agent:<id>:main`). */
const idOf = (owner: string | undefined, key: string): string => `${owner ?? ''}\n${key}`;

function SessionTree({ sessions, selected, me, onSelect }: { sessions: Session[]; selected: string; me: string; onSelect: (key: string, owner: string | undefined) => void }) {
  const byParent = useMemo(() => {
    const keys = new Set(sessions.map((s) => idOf(s.ownerId, s.key)));
    const m = new Map<string, Session[]>();
    for (const s of sessions) {
      const parent = s.spawnedBy && keys.has(idOf(s.ownerId, s.spawnedBy)) ? idOf(s.ownerId, s.spawnedBy) : '';
      m.set(parent, [...(m.get(parent) ?? []), s]);
    }
    return m;
  }, [sessions]);
  const renderLevel = (parent: string) => {
    const items = byParent.get(parent);
    if (!items?.length) return null;
    return (
      <ul class={parent ? 'children' : 'tree'}>
        {items.map((s) => {
          const id = idOf(s.ownerId, s.key);
          const mine = !s.ownerId || isMe(s.ownerId, me);
          return (
          <li key={id} data-key={s.key} data-owner={s.ownerId} data-depth={s.depth}>
            <button type="button" class={`session ${id === selected ? 'selected' : ''}`} aria-current={id === selected ? 'true' : undefined} onClick={() => onSelect(s.key, mine ? undefined : s.ownerId)}>
              <span class="name">{s.label ?? (s.key.includes(':subagent:') ? `${s.agentId} (subagent)` : s.agentId)}</span>
              <span class={`status st-${s.status}`}>{s.status}</span>
              <span class="who">for {s.actingFor}</span>
              {!mine && <span class="owner">owner: {displayName(s.ownerId)}</span>}
            </button>
            {renderLevel(id)}
          </li>
          );
        })}
      </ul>
    );
  };
  return <nav id="sessions" aria-label="Sessions">{renderLevel('') ?? <p class="muted">No sessions yet. Send a message to an agent to start one.</p>}</nav>;
}

function Transcript({ messages, streaming, tools, me, agent, onOlder }: { messages: Msg[]; streaming: string; tools: LiveTool[]; me: string; agent: string; onOlder?: (() => void) | undefined }) {
  const end = useRef<HTMLDivElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const atEnd = useRef(true);
  const newest = messages[messages.length - 1];
  // Follow the conversation as it grows at the end, not when older pages are added at the top.
  useEffect(() => { end.current?.scrollIntoView({ block: 'end' }); }, [newest, streaming, tools.length]);
  // A reader at the end stays there when the window changes size (a phone turned, a keyboard opened).
  useEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => { if (atEnd.current) el.scrollTop = el.scrollHeight; });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const onScroll = () => { const el = box.current; if (el) atEnd.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24; };
  return (
    <div id="transcript" ref={box} onScroll={onScroll} role="log" aria-live="polite" aria-label="Conversation">
      {onOlder && <button type="button" id="load-older" class="load-older" onClick={onOlder}>Load older messages</button>}
      {messages.map((m, i) => {
        if (m.role === 'toolResult') {
          const text = m.content?.[0]?.text ?? '';
          return <div key={i} class={`tool-result ${m.isError ? 'error' : 'ok'}`} data-tool={m.toolName}>← {m.toolName} {m.isError ? 'failed' : 'ok'}: <code>{short(text)}</code></div>;
        }
        const blocks: any[] = Array.isArray(m.content) ? m.content : [];
        const mine = m.role === 'user' && isMe(m.sender, me);
        return (
          <div key={i} class={`msg ${m.role}${mine ? ' mine' : ''}`} data-sender={m.sender}>
            <Sender id={m.sender} mine={mine} />
            <div class="body">
              {blocks.map((b, j) => b.type === 'toolCall'
                ? <div key={j} class="tool-call" data-tool={b.name}>→ {b.name} <code>{short(b.arguments)}</code></div>
                : <p key={j}>{b.text}</p>)}
            </div>
          </div>
        );
      })}
      {tools.map((t) => <div key={t.id} class={`tool-live ${t.isError ? 'error' : ''}`}>{t.phase === 'result' ? '←' : '→'} {t.name} {t.phase === 'result' ? (t.isError ? 'failed' : 'ok') : 'running…'}</div>)}
      {streaming && <div class="msg assistant streaming"><Sender id={`agent:${agent}`} mine={false} /><div class="body"><p>{streaming}</p></div></div>}
      <div ref={end} />
    </div>
  );
}

/** Who wrote a bubble: "You", the person's name, or the agent's id. */
function Sender({ id, mine }: { id: string | undefined; mine: boolean }) {
  if (!id) return null;
  const name = mine ? 'You' : displayName(id);
  return <span class={`sender ${isAgent(id) ? 'agent' : 'person'}`} title={id}>{name}{isAgent(id) && <span class="badge">agent</span>}</span>;
}

const HINT_KEY = 'clawgate.scriptedHintDismissed';

/** What the built-in scripted model understands (docs/agents/scripted-model.md), until dismissed. */
function ScriptedHint({ agent, onDismiss }: { agent: string; onDismiss: () => void }) {
  return (
    <section id="scripted-hint" class="hint" role="note" aria-labelledby="scripted-hint-title">
      <h3 id="scripted-hint-title">{agent} uses the built-in scripted model</h3>
      <p>It does not write language; it follows directives, one per line:</p>
      <ul>
        <li>plain text → it answers <code>echo: </code> and your text</li>
        <li><code>/reply TEXT</code> → it answers TEXT</li>
        <li><code>/tool NAME JSON</code> → it calls a tool, e.g. <code>/tool sessions_list {'{}'}</code>, then reports each result</li>
      </ul>
      <button type="button" id="scripted-hint-dismiss" onClick={onDismiss}>Got it</button>
    </section>
  );
}

function App() {
  const [creds, setCreds] = useState(() => takeCredentials(location, history, sessionStorage));
  const [state, setState] = useState<ConnState>('connecting');
  const [refusal, setRefusal] = useState<Refusal | undefined>();
  const [me, setMe] = useState<string>('');
  const [myId, setMyId] = useState<string>('');
  const [owner, setOwner] = useState<string | undefined>();
  const [hintDismissed, setHintDismissed] = useState(() => localStorage.getItem(HINT_KEY) === '1');
  const [agents, setAgents] = useState<Agent[]>([]);
  const [sessions, setSessions] = useState<Session[]>([]);
  const [selected, setSelected] = useState('');
  /** Whose session is open: undefined for the caller's own; another owner's only for operator.admin (read-only). */
  const [viewing, setViewing] = useState<string | undefined>();
  const viewingRef = useRef(viewing);
  viewingRef.current = viewing;
  const open = (key: string, who?: string) => { setSelected(key); setViewing(who); };
  const [messages, setMessages] = useState<Msg[]>([]);
  const [streaming, setStreaming] = useState('');
  const [tools, setTools] = useState<LiveTool[]>([]);
  const [draft, setDraft] = useState('');
  const [error, setError] = useState('');
  const gw = useRef<UiGateway>();
  const selectedRef = useRef(selected);
  const streamRun = useRef<string | undefined>();
  selectedRef.current = selected;

  const refreshSessions = () => gw.current?.request('sessions.list', { limit: 200 }).then((r) => setSessions(r.sessions)).catch(() => {});
  // History comes in pages (docs/protocol.md#responses-are-bounded-and-paged): the newest first, older ones on request.
  const [older, setOlder] = useState<number | undefined>();
  const loadHistory = (key: string, who = viewingRef.current) => gw.current?.request('chat.history', { sessionKey: key, limit: 200, ...(who ? { owner: who } : {}) }).then((r) => {
    if (selectedRef.current !== key || viewingRef.current !== who) return;
    setMessages(r.messages);
    setOwner(r.owner);
    setOlder(r.hasMore ? r.nextOffset : undefined);
  }).catch(() => {});
  const loadOlder = (key: string, offset: number, who = viewingRef.current) => gw.current?.request('chat.history', { sessionKey: key, limit: 200, offset, ...(who ? { owner: who } : {}) }).then((r) => {
    if (selectedRef.current !== key || viewingRef.current !== who) return;
    setMessages((m) => [...r.messages, ...m]);
    setOlder(r.hasMore ? r.nextOffset : undefined);
  }).catch(() => {});

  useEffect(() => {
    const g = new UiGateway(gatewayUrl(location, basePath), creds, (s, r) => { setState(s); setRefusal(r); });
    gw.current = g;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const soon = () => { clearTimeout(timer); timer = setTimeout(refreshSessions, 100); };
    g.on('sessions.changed', soon);
    g.on('agent', (e) => {
      if (e.stream === 'lifecycle') soon();
      if (e.sessionKey !== selectedRef.current || viewingRef.current || e.stream !== 'tool') return;
      setTools((ts) => [...ts.filter((t) => t.id !== e.data.toolCallId), { id: e.data.toolCallId, name: e.data.name, phase: e.data.phase, isError: e.data.isError }]);
    });
    g.on('chat', (e) => {
      if (e.sessionKey !== selectedRef.current || viewingRef.current) return;
      // Deltas carry only their new text (docs/protocol.md#streaming): append, restarting per run.
      if (e.state === 'delta') {
        const fresh = streamRun.current !== e.runId;
        streamRun.current = e.runId;
        const piece = typeof e.delta === 'string' ? e.delta : '';
        setStreaming((s) => (fresh ? piece : s + piece));
      }
      else { streamRun.current = undefined; setStreaming(''); setTools([]); if (e.state === 'error') setError(e.errorMessage ?? 'the run failed'); loadHistory(e.sessionKey); }
    });
    g.start();
    return () => { clearTimeout(timer); g.stop(); };
  }, [creds]);

  useEffect(() => {
    if (state !== 'connected' || !gw.current) return;
    // Session list changes (sessions.changed) come only to connections that subscribe, on every (re)connect.
    gw.current.request('sessions.subscribe', {}).catch(() => {});
    gw.current.request('status').then((s) => { setMe(s.you.description); setMyId(s.you.principal); }).catch(() => {});
    gw.current.request('agents.list').then((r) => {
      setAgents(r.agents);
      if (!selectedRef.current) setSelected(`agent:${r.defaultId}:main`);
    }).catch(() => {});
    refreshSessions();
  }, [state]);

  useEffect(() => { streamRun.current = undefined; setMessages([]); setOwner(undefined); setOlder(undefined); setStreaming(''); setTools([]); if (selected && state === 'connected') loadHistory(selected, viewing); }, [selected, viewing, state]);

  const send = async (e: Event) => {
    e.preventDefault();
    const text = draft.trim();
    if (!text || !gw.current || viewing) return;
    setError('');
    setDraft('');
    setMessages((m) => [...m, { role: 'user', content: [{ type: 'text', text }], sender: myId || undefined, timestamp: Date.now() }]);
    try { await gw.current.request('chat.send', { sessionKey: selected, message: text }); }
    catch (err) { setError((err as Error).message); }
  };

  const explained = refusal?.authReason || state === 'refused' ? explainRefusal(refusal?.authReason, refusal?.message ?? '') : undefined;
  const agentOf = selected.split(':')[1] ?? '';
  const scripted = agents.find((a) => a.id === agentOf)?.model?.primary === 'clawgate/scripted';
  const ownerText = owner === undefined ? undefined : isMe(owner, myId) ? 'Your session' : `Session of ${displayName(owner)}`;
  // Only offer a credential form when a credential is what is missing (never for proxy or origin refusals).
  const askFor = explained?.code.startsWith('token_') ? 'token' : explained?.code.startsWith('password_') ? 'password' : undefined;

  return (
    <div class="layout">
      <a class="skip" href="#chat-input">Skip to message box</a>
      <header>
        <h1>clawgate</h1>
        <span id="conn" class={`conn ${state}`} role="status">{state}</span>
        {me && <span id="identity">Signed in as <strong>{me}</strong></span>}
      </header>
      {explained && (
        <section id="refusal" role="alert">
          <h2>Connection refused</h2>
          <p>{explained.what}</p>
          <p><strong>What to change:</strong> {explained.fix}</p>
          <p class="muted">Reason code: <code>{explained.code}</code></p>
          {askFor && (
            <form onSubmit={(e) => { e.preventDefault(); const v = (e.currentTarget as HTMLFormElement).elements.namedItem('secret') as HTMLInputElement; sessionStorage.setItem(`clawgate.${askFor}`, v.value); setCreds({ [askFor]: v.value }); }}>
              <label for="secret">{askFor === 'token' ? 'Token' : 'Password'}</label> <input id="secret" name="secret" type="password" autocomplete="off" /> <button type="submit">Connect</button>
            </form>
          )}
        </section>
      )}
      <aside>
        <h2>Agents</h2>
        <ul id="agents">
          {agents.map((a) => <li key={a.id}><button type="button" class={agentOf === a.id && !viewing && selected.endsWith(':main') ? 'selected' : ''} onClick={() => open(`agent:${a.id}:main`)}>{a.name ?? a.id}</button></li>)}
        </ul>
        <h2>Sessions</h2>
        <SessionTree sessions={sessions} selected={idOf(viewing ?? owner, selected)} me={myId} onSelect={open} />
      </aside>
      <main>
        <div class="chat-head">
          <h2 id="chat-title">{selected || 'Chat'}</h2>
          {ownerText && <span id="chat-owner" class={isMe(owner, myId) ? 'mine' : 'theirs'}>{ownerText}</span>}
        </div>
        {scripted && !hintDismissed && <ScriptedHint agent={agentOf} onDismiss={() => { localStorage.setItem(HINT_KEY, '1'); setHintDismissed(true); }} />}
        <Transcript messages={messages} streaming={streaming} tools={tools} me={myId} agent={agentOf} onOlder={older === undefined ? undefined : () => loadOlder(selected, older, viewing)} />
        {error && <p id="chat-error" role="alert">{error}</p>}
        <form id="chat-form" onSubmit={send}>
          <label for="chat-input" class="visually-hidden">Message</label>
          <textarea id="chat-input" rows={3} value={draft} placeholder={viewing ? `Read-only: ${displayName(viewing)}'s session` : `Message ${agentOf || 'an agent'} (Enter to send, Shift+Enter for a new line)`}
            onInput={(e) => setDraft((e.target as HTMLTextAreaElement).value)}
            onKeyDown={(e) => { if (e.key === 'Enter' && !e.shiftKey) { void send(e); } }}
            disabled={state !== 'connected' || !!viewing} />
          <button type="submit" disabled={state !== 'connected' || !!viewing || !draft.trim()}>Send</button>
        </form>
      </main>
    </div>
  );
}

const root = document.getElementById('app')!;
root.textContent = '';
render(<App />, root);
