// The tool contract: arguments validated by a schema, executed through the gateway's own
// protocol client (never by reaching into the store), on behalf of a delegation.
import type { GatewayClient } from '../../client/client.js';
import type { Delegation } from '../../rpc/registry.js';
import type { Schema } from '../../protocol/schema.js';
import type { Scope } from '../../protocol/scopes.js';

export interface ToolContext {
  /** An in-process client acting for the run's principal, with scopes capped by tool policy. */
  readonly gateway: GatewayClient;
  readonly delegation: Delegation;
  readonly signal: AbortSignal;
}

export interface ToolDef<A = unknown> {
  readonly name: string;
  readonly description: string;
  /** JSON Schema shown to the model. */
  readonly parameters: Record<string, unknown>;
  /** Validates arguments (the model's JSON) before anything runs. */
  readonly args: Schema<A>;
  /** Gateway scopes the tool's calls need; the tool client gets no more than these. */
  readonly scopes: readonly Scope[];
  run(ctx: ToolContext, args: A): Promise<unknown>;
}

export const defineTool = <A>(t: ToolDef<A>): ToolDef<unknown> => t as ToolDef<unknown>;

/** A tool failure with a message meant for the model and the user. */
export class ToolError extends Error {
  constructor(message: string) { super(message); this.name = 'ToolError'; }
}
