// The model provider interface: one turn in, streamed text and tool calls out.

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

export interface ToolCall { id: string; name: string; /** Raw JSON text as the model produced it. */ arguments: string }

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; name: string; content: string; isError: boolean };

export interface ModelTurn { text: string; toolCalls: ToolCall[] }

export interface TurnRequest {
  model: string;
  messages: readonly ChatMessage[];
  tools: readonly ToolSpec[];
  signal: AbortSignal;
}

export interface ModelProvider {
  readonly id: string;
  /** Produces one assistant turn; `onDelta` receives text as it streams. */
  complete(req: TurnRequest, onDelta: (delta: string) => void): Promise<ModelTurn>;
}
