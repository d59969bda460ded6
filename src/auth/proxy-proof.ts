// The proof a trusted proxy gives before its forwarded addresses count (ingress's ProxyProof):
// the proxy secret header, exactly once and equal in constant time, when proxySecret is
// configured. Without one the proxy's address is all there is, and doctor says so. A signed
// assertion can be added here as a second proof: a peer is proven when every configured proof holds.
import type { ProxyProof } from '../transport/ingress.js';
import { secretEquals } from '../util/secret.js';

export interface ProxyProofConfig {
  readonly proxySecret?: { readonly header: string; readonly value: string } | undefined;
}

export function createProxyProof(cfg: ProxyProofConfig): ProxyProof | undefined {
  const ps = cfg.proxySecret;
  if (!ps) return undefined;
  const header = ps.header.toLowerCase();
  return (headers) => {
    let seen: string | undefined;
    let count = 0;
    for (const [name, value] of headers) if (name === header) { seen = value; count++; }
    return count === 1 && secretEquals(seen, ps.value);
  };
}
