// Unit tests for the browser Origin gate: allowed list, wildcard, refused origins, and loopback origins by ingress kind.
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

  it('accepts any real origin with "*"', () => {
    const any = createOriginGate(['*']);
    assert.equal(any(withOrigins(REMOTE, 'https://anything.test'), true), true);
    assert.equal(any(withOrigins(REMOTE, 'http://10.0.0.5:8080'), true), true);
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
  it('accepts a loopback origin from a direct loopback client', () => {
    for (const o of ['http://localhost:5173', 'http://127.0.0.1:18789', 'https://127.9.9.9', 'http://[::1]:3000', 'http://LOCALHOST']) {
      assert.equal(gate(withOrigins(DIRECT_LOCAL, o), true), true, o);
    }
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

  it('refuses non-loopback origins from a direct loopback client unless they are listed', () => {
    for (const o of ['http://localhost.evil.test', 'http://127.0.0.1.evil.test', 'http://10.0.0.1', 'file://localhost', 'ws://localhost:5173']) {
      assert.equal(gate(withOrigins(DIRECT_LOCAL, o), true), false, o);
    }
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
