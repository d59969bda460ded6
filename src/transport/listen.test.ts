// Listen errors an operator can fix are one sentence with the fix, never a raw errno.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { explainListenError, listen, ListenError } from './listen.js';

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`listen ${code}`), { code });

describe('listen errors', () => {
  it('explains a busy port, a privileged port and a missing address, with the fix', () => {
    assert.match(explainListenError(errno('EADDRINUSE'), '127.0.0.1:80', true).message, /^cannot listen on 127\.0\.0\.1:80: the address is already in use .* --port or gateway\.port/);
    assert.match(explainListenError(errno('EACCES'), '0.0.0.0:80', true).message, /permission denied .*1024 or above/);
    assert.match(explainListenError(errno('EADDRNOTAVAIL'), '192.0.2.1:1', true).message, /no such address\. Check gateway\.bind/);
    for (const code of ['EADDRINUSE', 'EACCES', 'EADDRNOTAVAIL']) assert.doesNotMatch(explainListenError(errno(code), 'x', true).message, new RegExp(code));
  });

  it('rejects with a ListenError when the port is taken, and leaves the server reusable', async () => {
    const a = createServer();
    await listen(a, { port: 0, host: '127.0.0.1' });
    const port = (a.address() as { port: number }).port;
    const b = createServer();
    await assert.rejects(listen(b, { port, host: '127.0.0.1' }), (e: Error) => e instanceof ListenError && e.code === 'EADDRINUSE' && e.message.includes(`127.0.0.1:${port}`));
    assert.equal(b.listenerCount('error'), 0);
    await listen(b, { port: 0, host: '127.0.0.1' });
    await new Promise((r) => a.close(r));
    await new Promise((r) => b.close(r));
  });
});
