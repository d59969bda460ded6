// Owns the Ed25519 device-identity check of the connect handshake (v2/v3/v4 signed payloads) and the matching signing helpers.
import { createHash, createPublicKey, generateKeyPairSync, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';

/** Detail code of a refused device claim, as OpenClaw reports it in `error.details.code`. */
export type DeviceAuthCode =
  | 'DEVICE_AUTH_INVALID'
  | 'DEVICE_AUTH_ID_MISMATCH'
  | 'DEVICE_AUTH_PUBLIC_KEY_INVALID'
  | 'DEVICE_AUTH_SIGNATURE_EXPIRED'
  | 'DEVICE_AUTH_NONCE_REQUIRED'
  | 'DEVICE_AUTH_NONCE_MISMATCH'
  | 'DEVICE_AUTH_SIGNATURE_INVALID';

const MESSAGES: Readonly<Record<DeviceAuthCode, string>> = {
  DEVICE_AUTH_INVALID: 'device identity invalid',
  DEVICE_AUTH_ID_MISMATCH: 'device identity mismatch',
  DEVICE_AUTH_PUBLIC_KEY_INVALID: 'device public key invalid',
  DEVICE_AUTH_SIGNATURE_EXPIRED: 'device signature expired',
  DEVICE_AUTH_NONCE_REQUIRED: 'device nonce required',
  DEVICE_AUTH_NONCE_MISMATCH: 'device nonce mismatch',
  DEVICE_AUTH_SIGNATURE_INVALID: 'device signature invalid',
};

/** Every device-auth failure code. */
export const DEVICE_AUTH_CODES: readonly DeviceAuthCode[] = Object.freeze(Object.keys(MESSAGES) as DeviceAuthCode[]);

/** The connect frame's `params.device`, untrusted: every field is checked before use. */
export interface DeviceClaim {
  id: unknown;
  publicKey: unknown;
  signature: unknown;
  signedAt: unknown;
  nonce?: unknown;
}

/** What the server knows about the connection: the challenge it sent and the connect params the signature must cover. */
export interface DeviceContext {
  challengeNonce: string;
  clientId: string;
  clientMode: string;
  role: string;
  scopes: readonly string[];
  /** The connect frame's `auth.token ?? ""`. */
  token: string;
  platform?: string;
  deviceFamily?: string;
  instanceId?: string;
  nowMs: number;
  /** Allowed |now − signedAt| in ms; default 10 minutes. */
  skewMs?: number;
}

/** Outcome of {@link verifyDevice}: the verified device id and which payload version the signature covered, or the failure. */
export type DeviceVerdict =
  | { ok: true; deviceId: string; payloadVersion: 'v2' | 'v3' | 'v4' }
  | { ok: false; code: DeviceAuthCode; message: string };

type PayloadVersion = 'v2' | 'v3' | 'v4';
type PayloadFields = Omit<DeviceContext, 'nowMs' | 'skewMs' | 'challengeNonce'> & { deviceId: string; signedAt: number; nonce: string };

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const DEFAULT_SKEW_MS = 10 * 60_000;
/** v2 first: it is what openclaw-node signs; OpenClaw's own clients sign v3, the newest v4. */
const VERSIONS: readonly PayloadVersion[] = ['v2', 'v3', 'v4'];
/** base64url, tolerating standard-alphabet characters and padding (OpenClaw's decoder does too). */
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

const fail = (code: DeviceAuthCode): DeviceVerdict => ({ ok: false, code, message: MESSAGES[code] });
const sha256 = (data: Buffer | string): Buffer => createHash('sha256').update(data).digest();
const decodeBase64 = (s: string): Buffer | null => (BASE64.test(s) ? Buffer.from(s, 'base64') : null);

/** OpenClaw's normalizeDeviceMetadataForAuth: trim, then lowercase ASCII A-Z only. */
function normalizeMetadata(value: unknown): string {
  if (typeof value !== 'string') return '';
  return value.trim().replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

function buildPayload(version: PayloadVersion, f: PayloadFields): string {
  const parts = [version, f.deviceId, f.clientId, f.clientMode, f.role, f.scopes.join(','), String(f.signedAt), f.token ?? '', f.nonce];
  if (version !== 'v2') parts.push(normalizeMetadata(f.platform), normalizeMetadata(f.deviceFamily));
  if (version === 'v4') parts.push(typeof f.instanceId === 'string' ? f.instanceId.trim() : '');
  return parts.join('|');
}

function nonceEquals(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

/**
 * Verify a device claim against the connection's challenge and connect params. Checks, in
 * order: shape, public key decodes (32 bytes), id = sha256(key), key imports as Ed25519,
 * signedAt within the skew, nonce present, nonce equals the challenge, signature over any
 * of the v2/v3/v4 payloads. Synchronous; at most three Ed25519 verifications.
 */
export function verifyDevice(claim: DeviceClaim, ctx: DeviceContext): DeviceVerdict {
  const { id, publicKey, signature, signedAt, nonce } = claim;
  if (
    typeof id !== 'string' || typeof publicKey !== 'string' || typeof signature !== 'string' ||
    typeof signedAt !== 'number' || !Number.isFinite(signedAt) ||
    (nonce !== undefined && nonce !== null && typeof nonce !== 'string')
  ) return fail('DEVICE_AUTH_INVALID');

  const raw = decodeBase64(publicKey);
  if (!raw || raw.length !== 32) return fail('DEVICE_AUTH_PUBLIC_KEY_INVALID');
  if (id !== sha256(raw).toString('hex')) return fail('DEVICE_AUTH_ID_MISMATCH');
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
  } catch {
    return fail('DEVICE_AUTH_PUBLIC_KEY_INVALID');
  }

  const skewMs = ctx.skewMs ?? DEFAULT_SKEW_MS;
  if (!(Math.abs(ctx.nowMs - signedAt) <= skewMs)) return fail('DEVICE_AUTH_SIGNATURE_EXPIRED');
  if (typeof nonce !== 'string' || nonce.trim() === '') return fail('DEVICE_AUTH_NONCE_REQUIRED');
  if (!nonceEquals(nonce, ctx.challengeNonce)) return fail('DEVICE_AUTH_NONCE_MISMATCH');

  const sig = decodeBase64(signature);
  if (!sig || sig.length !== 64) return fail('DEVICE_AUTH_SIGNATURE_INVALID');
  const fields: PayloadFields = {
    deviceId: id, clientId: ctx.clientId, clientMode: ctx.clientMode, role: ctx.role, scopes: ctx.scopes,
    token: ctx.token ?? '', nonce, signedAt, platform: ctx.platform, deviceFamily: ctx.deviceFamily, instanceId: ctx.instanceId,
  };
  for (const version of VERSIONS) {
    try {
      if (verify(null, Buffer.from(buildPayload(version, fields), 'utf8'), key, sig)) {
        return { ok: true, deviceId: id, payloadVersion: version };
      }
    } catch {
      // a key OpenSSL imports but cannot verify with counts as a bad signature
    }
  }
  return fail('DEVICE_AUTH_SIGNATURE_INVALID');
}

/**
 * Build a signed `params.device` for a connect frame, the way OpenClaw clients do
 * (payload version v3 unless `version` says otherwise).
 */
export function signDevice(
  keys: { publicKeyRaw: Buffer; privateKey: KeyObject },
  fields: Omit<DeviceContext, 'nowMs' | 'skewMs' | 'challengeNonce'> & { nonce: string; signedAt: number; version?: 'v2' | 'v3' | 'v4' },
): { id: string; publicKey: string; signature: string; signedAt: number; nonce: string } {
  const deviceId = sha256(keys.publicKeyRaw).toString('hex');
  const payload = buildPayload(fields.version ?? 'v3', { ...fields, deviceId });
  const signature = sign(null, Buffer.from(payload, 'utf8'), keys.privateKey);
  return {
    id: deviceId,
    publicKey: keys.publicKeyRaw.toString('base64url'),
    signature: signature.toString('base64url'),
    signedAt: fields.signedAt,
    nonce: fields.nonce,
  };
}

/** Generate a fresh Ed25519 device key pair; `publicKeyRaw` is the 32-byte key (SPKI header stripped). */
export function generateDeviceKeys(): { publicKeyRaw: Buffer; privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return { publicKeyRaw: Buffer.from(spki.subarray(SPKI_ED25519_PREFIX.length)), privateKey };
}
