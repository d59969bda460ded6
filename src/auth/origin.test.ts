// Unit tests for the browser Origin gate: the allowed list in canonical form, subdomain wildcards, refused shapes, and loopback origins (only the request's own).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Ingress } from '../transport/ingress.js';
import { createOriginGate, isLoopbackOrigin } from './origin.js';

const DIRECT_LOCAL: Ingress = {
  peer: '127.0.0.1', peerIsLoopback: true, peerTrusted: false, proxyProven: false, forwarded: false, clientIp: '127.0.0.1', clientKey: '127.0.0.1',
  kind: 'direct-local', origins: [], host: '127.0.0.1:18789', headers: [], userAgent: undefined,
};
const REMOTE: Ingress = { ...DIRECT_LOCAL, peer: '203.0.113.9', clientIp: '203.0.113.9', peerIsLoopback: false, kind: 'direct-remote' };

const withOrigins = (base: Ingress, ...origins: string[]): Ingress => ({ ...base, origins });

const gate = createOriginGate(['https://openclaw.example.com']);

describe('origin gate: allowed origins', () => {
  it('accepts an origin on the allowed list from anywhere, browser or not', () => {
    assert.equal(gate(withOrigins(REMOTE, 'https://openclaw.example.com'), true), true);
    assert.equal(gate(withOrigins(REMOTE, 'https://openclaw.example.com'), false), true);
  });

  it('compares origins case-insensitively and ignores a trailing slash', () => {
    assert.equal(gate(withOrigins(REMOTE, 'HTTPS://OpenClaw.Example.com/'), true), true);
    assert.equal(createOriginGate(['https://OpenClaw.example.com/'])(withOrigins(REMOTE, 'https://openclaw.example.com'), true), true);
  });

  it('refuses origins that only resemble an allowed one', () => {
    for (const o of ['http://openclaw.example.com', 'https://openclaw.example.com:8443', 'https://evil.openclaw.example.com', 'https://openclaw.example.com.evil.test', 'https://openclaw.example.com/path']) {
      assert.equal(gate(withOrigins(REMOTE, o), true), false, o);
    }
  });

  it('refuses an unlisted origin even for a non-browser client (any upgrade that carries an Origin is checked)', () => {
    assert.equal(gate(withOrigins(REMOTE, 'https://evil.test'), false), false);
  });

  it('compares in canonical form: default ports, IDN as punycode, IPv6 compressed (issue 12)', () => {
    assert.equal(createOriginGate(['https://openclaw.example.com:443'])(withOrigins(REMOTE, 'https://openclaw.example.com'), true), true);
    assert.equal(createOriginGate(['http://gw.example:80'])(withOrigins(REMOTE, 'http://gw.example'), true), true);
    assert.equal(createOriginGate(['https://bücher.example'])(withOrigins(REMOTE, 'https://xn--bcher-kva.example'), true), true);
    assert.equal(createOriginGate(['http://[2001:DB8:0:0:0:0:0:1]:8080'])(withOrigins(REMOTE, 'http://[2001:db8::1]:8080'), true), true);
    assert.equal(createOriginGate(['https://openclaw.example.com:443'])(withOrigins(REMOTE, 'https://openclaw.example.com:8443'), true), false);
  });

  it('matches a subdomain wildcard on exactly one label, with the same scheme and port', () => {
    const ts = createOriginGate(['https://*.tail14a6bf.ts.net']);
    assert.equal(ts(withOrigins(REMOTE, 'https://gpu-box.tail14a6bf.ts.net'), true), true);
    assert.equal(ts(withOrigins(REMOTE, 'https://GPU-Box.tail14a6bf.ts.net:443'), true), true);
    for (const o of ['https://tail14a6bf.ts.net', 'https://a.b.tail14a6bf.ts.net', 'http://gpu-box.tail14a6bf.ts.net', 'https://gpu-box.tail14a6bf.ts.net:8443', 'https://gpu-box.tail14a6bf.ts.net.evil.test', 'https://evil-tail14a6bf.ts.net']) {
      assert.equal(ts(withOrigins(REMOTE, o), true), false, o);
    }
    assert.equal(createOriginGate(['http://*.lan.example:8080'])(withOrigins(REMOTE, 'http://nas.lan.example:8080'), true), true);
  });

  it('ignores a bare "*" (config refuses it): no origin is allowed by it', () => {
    assert.equal(createOriginGate(['*'])(withOrigins(REMOTE, 'https://anything.test'), true), false);
  });
});

describe('origin gate: refused shapes', () => {
  it('refuses the opaque "null" origin, even with "*" or "null" allowed', () => {
    assert.equal(gate(withOrigins(REMOTE, 'null'), true), false);
    assert.equal(createOriginGate(['*'])(withOrigins(DIRECT_LOCAL, 'null'), true), false);
    assert.equal(createOriginGate(['null'])(withOrigins(DIRECT_LOCAL, 'null'), false), false);
  });

  it('refuses an empty Origin header', () => {
    assert.equal(createOriginGate(['*'])(withOrigins(REMOTE, ''), false), false);
    assert.equal(createOriginGate(['*'])(withOrigins(REMOTE, '  '), false), false);
  });

  it('refuses two Origin headers, even when both are allowed', () => {
    assert.equal(gate(withOrigins(REMOTE, 'https://openclaw.example.com', 'https://openclaw.example.com'), true), false);
    assert.equal(createOriginGate(['*'])(withOrigins(DIRECT_LOCAL, 'http://localhost:5173', 'http://localhost:5173'), true), false);
  });
});

describe('origin gate: no Origin header', () => {
  it('refuses a browser client id without an Origin', () => {
    assert.equal(gate(DIRECT_LOCAL, true), false);
    assert.equal(createOriginGate(['*'])(REMOTE, true), false);
  });

  it('accepts a non-browser client without an Origin', () => {
    assert.equal(gate(DIRECT_LOCAL, false), true);
    assert.equal(gate(REMOTE, false), true);
  });
});

describe('origin gate: loopback origins', () => {
  it('accepts a loopback origin that is exactly the request\'s own origin (scheme, host and port)', () => {
    const at = (host: string): Ingress => ({ ...DIRECT_LOCAL, host });
    assert.equal(gate(withOrigins(at('127.0.0.1:18789'), 'http://127.0.0.1:18789'), true), true);
    assert.equal(gate(withOrigins(at('localhost:18789'), 'http://LOCALHOST:18789'), true), true);
    assert.equal(gate(withOrigins(at('[::1]:3000'), 'http://[0:0::1]:3000/'), true), true);
    assert.equal(gate(withOrigins(at('localhost'), 'http://localhost:80'), true), true);
  });

  it('refuses a page on another local port, host or scheme, even from a direct loopback client (issue 12)', () => {
    for (const o of ['http://localhost:5173', 'http://127.0.0.1:3000', 'https://127.0.0.1:18789', 'http://localhost:18789', 'http://127.0.0.2:18789']) {
      assert.equal(gate(withOrigins(DIRECT_LOCAL, o), true), false, o);
    }
  });

  it('accepts a listed loopback origin', () => {
    assert.equal(createOriginGate(['http://localhost:5173'])(withOrigins(DIRECT_LOCAL, 'http://localhost:5173'), true), true);
  });

  it('takes the scheme from a proven proxy\'s single X-Forwarded-Proto, never from an unproven peer', () => {
    const tls: Ingress = { ...DIRECT_LOCAL, host: 'localhost:8443', headers: [['x-forwarded-proto', 'https']] };
    assert.equal(gate(withOrigins({ ...tls, peerTrusted: true, proxyProven: true, kind: 'trusted-proxy' }, 'https://localhost:8443'), true), true);
    assert.equal(gate(withOrigins({ ...tls, peerTrusted: true, proxyProven: false, kind: 'trusted-proxy' }, 'https://localhost:8443'), true), false);
    assert.equal(gate(withOrigins(tls, 'https://localhost:8443'), true), false);
  });

  it('refuses a loopback origin from a remote client', () => {
    assert.equal(gate(withOrigins(REMOTE, 'http://localhost:5173'), true), false);
  });

  it('refuses a loopback origin on a forwarded loopback request', () => {
    const forwarded: Ingress = { ...DIRECT_LOCAL, forwarded: true, kind: 'local-forwarded' };
    assert.equal(gate(withOrigins(forwarded, 'http://localhost:5173'), true), false);
  });

  it('refuses a loopback origin through a trusted proxy that sent forwarded headers', () => {
    const proxied: Ingress = { ...DIRECT_LOCAL, peerTrusted: true, forwarded: true, kind: 'trusted-proxy', clientIp: '198.51.100.7' };
    assert.equal(gate(withOrigins(proxied, 'http://localhost:5173'), true), false);
  });

  it('refuses a loopback origin through a same-host trusted proxy that strips forwarding headers',
    () => {
      const proxied: Ingress = { ...DIRECT_LOCAL, peerTrusted: true, kind: 'trusted-proxy' };
      assert.equal(gate(withOrigins(proxied, 'http://localhost:5173'), true), false);
    });

  it('refuses non-loopback origins from a direct loopback client unless they are listed, even naming the Host', () => {
    for (const o of ['http://localhost.evil.test', 'http://127.0.0.1.evil.test', 'http://10.0.0.1', 'file://localhost', 'ws://localhost:5173']) {
      assert.equal(gate(withOrigins(DIRECT_LOCAL, o), true), false, o);
    }
    assert.equal(gate(withOrigins({ ...DIRECT_LOCAL, host: 'rebind.evil.test:18789' }, 'http://rebind.evil.test:18789'), true), false, 'DNS rebinding');
  });
});

describe('isLoopbackOrigin', () => {
  it('recognises http(s) origins on localhost, 127/8 and [::1] only', () => {
    assert.equal(isLoopbackOrigin('http://localhost'), true);
    assert.equal(isLoopbackOrigin('https://127.0.0.2:8443'), true);
    assert.equal(isLoopbackOrigin('http://[::1]'), true);
    assert.equal(isLoopbackOrigin('http://[::2]'), false);
    assert.equal(isLoopbackOrigin('not a url'), false);
    assert.equal(isLoopbackOrigin('chrome-extension://abcdef'), false);
  });
});
