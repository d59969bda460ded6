// The built-in deterministic model (docs/agents/scripted-model.md). In the latest user
// message, each line `/tool NAME JSON` is a tool call (run in order), `/reply TEXT` and
// `/words N` build the final reply; with no directive the reply is `echo: <message>`. After
// tools ran, unless a reply was given, the reply lists each tool as `NAME ok` or
// `NAME error: <message>`.
import type { ChatMessage, ModelProvider, ModelTurn, ToolCall } from './types.js';
import { createYielder } from './yield.js';

/** The largest `/words N` (about 6 MB of text); larger counts are capped to it. */
export const MAX_SCRIPTED_WORDS = 1_000_000;
const WORDS = ['lorem', 'ipsum', 'dolor', 'sit', 'amet', 'consectetur', 'adipiscing', 'elit', 'sed', 'do', 'eiusmod', 'tempor', 'incididunt', 'ut', 'labore', 'et'];

/** `n` words cycling through a fixed list, separated by single spaces. */
export function scriptedWords(n: number): string {
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = WORDS[i % WORDS.length]!;
  return out.join(' ');
}

export interface Script { toolCalls: { name: string; args: string }[]; reply: string | undefined; hasDirective: boolean }

export function parseScript(message: string): Script {
  const toolCalls: Script['toolCalls'] = [];
  const replies: string[] = [];
  for (const raw of message.split(/\r?\n/)) {
    const line = raw.trim();
    const tool = /^\/tool\s+(\S+)(?:\s+([\s\S]*))?$/.exec(line);
    if (tool) { toolCalls.push({ name: tool[1]!, args: tool[2]?.trim() || '{}' }); continue; }
    const reply = /^\/reply(?:\s+([\s\S]*))?$/.exec(line);
    if (reply) { replies.push(reply[1] ?? ''); continue; }
    const words = /^\/words\s+(\d{1,7})$/.exec(line);
    if (words) replies.push(scriptedWords(Math.min(Number(words[1]), MAX_SCRIPTED_WORDS)));
  }
  return { toolCalls, reply: replies.length > 0 ? replies.join('\n') : undefined, hasDirective: toolCalls.length > 0 || replies.length > 0 };
}

/** The tool results' one-line summaries, in call order. */
function summarize(messages: readonly ChatMessage[], from: number): string {
  const lines: string[] = [];
  for (let i = from; i < messages.length; i++) {
    const m = messages[i]!;
    if (m.role !== 'tool') continue;
    if (!m.isError) { lines.push(`${m.name} ok`); continue; }
    let msg = m.content;
    try { const v = JSON.parse(m.content) as { error?: unknown }; if (typeof v.error === 'string') msg = v.error; } catch { /* plain text */ }
    lines.push(`${m.name} error: ${msg}`);
  }
  return lines.join('\n');
}

/**
 * Streams text in word-sized deltas so streaming is visible, handing the event loop back every
 * few milliseconds so a long reply never stalls other clients; stops when the run is aborted.
 */
async function stream(text: string, onDelta: (d: string) => void, signal: AbortSignal): Promise<void> {
  const pieces = /\S+\s*|\s+/g;
  const y = createYielder();
  for (let m = pieces.exec(text); m; m = pieces.exec(text)) {
    onDelta(m[0]);
    if (y.due()) { await y.pause(); signal.throwIfAborted(); }
  }
}

export function createScriptedModel(): ModelProvider {
  let callSeq = 0;
  return {
    id: 'scripted',
    async complete(req, onDelta): Promise<ModelTurn> {
      const msgs = req.messages;
      let lastUser = -1;
      for (let i = msgs.length - 1; i >= 0; i--) if (msgs[i]!.role === 'user') { lastUser = i; break; }
      const message = lastUser >= 0 ? (msgs[lastUser] as { content: string }).content : '';
      const script = parseScript(message);
      const toolsRan = msgs.slice(lastUser + 1).some((m) => m.role === 'tool');
      let text: string;
      if (!script.hasDirective) text = `echo: ${message}`;
      else if (script.toolCalls.length > 0 && !toolsRan) {
        const toolCalls: ToolCall[] = script.toolCalls.map((c) => ({ id: `call_${(++callSeq).toString(36)}`, name: c.name, arguments: c.args }));
        return { text: '', toolCalls };
      } else text = script.reply ?? summarize(msgs, lastUser + 1);
      await stream(text, onDelta, req.signal);
      return { text, toolCalls: [] };
    },
  };
}
