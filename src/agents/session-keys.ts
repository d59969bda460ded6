// Session keys: the one parser lives in protocol/ (rpc/ and agents/ both read keys).
export { mainSessionKey, parseSessionKey, SESSION_KEY_FORMS, type ParsedKey, type SessionKeyKind } from '../protocol/session-keys.js';
