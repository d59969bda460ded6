// Any OpenAI-compatible chat-completions endpoint (OpenAI, Ollama, vLLM, llama.cpp) through
// the official `openai` SDK, streaming text and tool calls. The SDK is loaded on first use so
// gateways that never call it do not pay for it at startup.
import type { ChatMessage, ModelProvider, ModelTurn, ToolCall } from './types.js';
import { createYielder } from './yield.js';

export interface OpenAiProviderConfig { id: string; baseUrl: string; apiKey: string | undefined; timeoutMs: number }

type OpenAiMessage = Record<string, unknown>;

function toOpenAi(m: ChatMessage): OpenAiMessage {
  switch (m.role) {
    case 'system': case 'user': return { role: m.role, content: m.content };
    case 'assistant': return m.toolCalls?.length
      ? { role: 'assistant', content: m.content || null, tool_calls: m.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) }
      : { role: 'assistant', content: m.content };
    case 'tool': return { role: 'tool', tool_call_id: m.toolCallId, content: m.content };
  }
}

export function createOpenAiProvider(cfg: OpenAiProviderConfig): ModelProvider {
  let clientPromise: Promise<{ chat: { completions: { create: (body: unknown, opts: unknown) => Promise<AsyncIterable<unknown>> } } }> | undefined;
  const client = () => (clientPromise ??= import('openai').then(({ default: OpenAI }) =>
    new OpenAI({ baseURL: cfg.baseUrl, apiKey: cfg.apiKey ?? 'not-needed', timeout: cfg.timeoutMs, maxRetries: 1 }) as never));
  return {
    id: cfg.id,
    async complete(req, onDelta): Promise<ModelTurn> {
      const c = await client();
      const body: Record<string, unknown> = { model: req.model, messages: req.messages.map(toOpenAi), stream: true };
      if (req.tools.length > 0) body.tools = req.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }));
      const stream = await c.chat.completions.create(body, { signal: req.signal });
      let text = '';
      const calls = new Map<number, ToolCall>();
      // A fast server can deliver a whole reply in one read; parsing it must not hold the loop.
      const y = createYielder();
      for await (const chunk of stream as AsyncIterable<{ choices?: { delta?: { content?: string | null; tool_calls?: { index: number; id?: string; function?: { name?: string; arguments?: string } }[] } }[] }>) {
        const delta = chunk.choices?.[0]?.delta;
        if (!delta) continue;
        if (delta.content) { text += delta.content; onDelta(delta.content); }
        for (const tc of delta.tool_calls ?? []) {
          const cur = calls.get(tc.index) ?? { id: '', name: '', arguments: '' };
          if (tc.id) cur.id = tc.id;
          if (tc.function?.name) cur.name += tc.function.name;
          if (tc.function?.arguments) cur.arguments += tc.function.arguments;
          calls.set(tc.index, cur);
        }
        if (y.due()) await y.pause();
      }
      const toolCalls = [...calls.entries()].sort((a, b) => a[0] - b[0]).map(([i, c]) => ({ ...c, id: c.id || `call_${i}`, arguments: c.arguments || '{}' }));
      return { text, toolCalls };
    },
  };
}
