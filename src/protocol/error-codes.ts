// The closed set of wire error codes (OpenClaw's) and the detail codes clawgate puts in
// `error.details.code`. docs/reference/errors.md documents each; a test keeps them in step.

import { bound } from './schema.js';

export const ERROR_CODES = [
  'NOT_LINKED', 'NOT_PAIRED', 'AGENT_TIMEOUT', 'AGENT_RESULT_NOT_FOUND',
  'INVALID_REQUEST', 'FORBIDDEN', 'APPROVAL_NOT_FOUND', 'UNAVAILABLE',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Machine-readable refinements carried in `details.code`. */
export const DETAIL_CODES = [
  'AUTH_UNAUTHORIZED', 'AUTH_TOKEN_MISSING', 'AUTH_TOKEN_MISMATCH', 'AUTH_PASSWORD_MISSING', 'AUTH_PASSWORD_MISMATCH',
  'AUTH_RATE_LIMITED', 'AUTH_IDENTITY_HEADER_REQUIRED', 'MISSING_SCOPE', 'PROTOCOL_MISMATCH', 'INVALID_FRAME', 'INVALID_PARAMS',
  'UNKNOWN_METHOD', 'HANDSHAKE_REQUIRED', 'ORIGIN_NOT_ALLOWED', 'ROLE_NOT_SUPPORTED', 'INTERNAL_ERROR',
  'NOT_FOUND', 'CONFLICT', 'LIMIT_EXCEEDED', 'TOOL_DENIED', 'STORE_UNAVAILABLE', 'RESPONSE_TOO_LARGE', 'TOO_MANY_CONNECTIONS',
  'NOT_OWNER', 'IDEMPOTENCY_CONFLICT', 'SESSION_BUSY', 'TOO_MANY_SUBSCRIPTIONS',
  'DEVICE_AUTH_INVALID', 'DEVICE_AUTH_ID_MISMATCH', 'DEVICE_AUTH_PUBLIC_KEY_INVALID',
  'DEVICE_AUTH_SIGNATURE_EXPIRED', 'DEVICE_AUTH_NONCE_REQUIRED', 'DEVICE_AUTH_NONCE_MISMATCH',
  'DEVICE_AUTH_SIGNATURE_INVALID',
] as const;
export type DetailCode = (typeof DETAIL_CODES)[number];

export interface ErrorShape {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
  retryable?: boolean;
  retryAfterMs?: number;
}

/** Longest error message sent on the wire; longer ones are cut (a message may echo caller input). */
export const MAX_ERROR_MESSAGE = 2_000;

export function errorShape(
  code: ErrorCode,
  message: string,
  opts: { details?: Record<string, unknown> & { code?: DetailCode }; retryable?: boolean; retryAfterMs?: number } = {},
): ErrorShape {
  const shape: ErrorShape = { code, message: bound(message, MAX_ERROR_MESSAGE) };
  if (opts.details) shape.details = opts.details;
  if (opts.retryable !== undefined) shape.retryable = opts.retryable;
  if (opts.retryAfterMs !== undefined) shape.retryAfterMs = opts.retryAfterMs;
  return shape;
}

/** Thrown by method handlers to answer with a specific wire error. */
export class RpcError extends Error {
  readonly shape: ErrorShape;
  /** Optional payload sent alongside the error (OpenClaw's `agent` failure carries one). */
  readonly payload: unknown;
  constructor(code: ErrorCode, message: string, opts: Parameters<typeof errorShape>[2] & { payload?: unknown } = {}) {
    super(message);
    this.name = 'RpcError';
    const { payload, ...rest } = opts;
    this.shape = errorShape(code, message, rest);
    this.payload = payload;
  }
}
