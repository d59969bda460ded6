// Binds a server and turns the errors an operator can fix (port in use, no permission, no such
// address) into one clear sentence with the fix, instead of a raw `listen EADDRINUSE` stack.
import type { Server } from 'node:http';

export class ListenError extends Error {
  override readonly name = 'ListenError';
  constructor(message: string, readonly code: string | undefined) { super(message); }
}

export function explainListenError(err: NodeJS.ErrnoException, where: string, portHint: boolean): ListenError {
  const fix = portHint ? ' Stop the other program, or choose another port with --port or gateway.port (0 picks a free one).' : '';
  switch (err.code) {
    case 'EADDRINUSE':
      return new ListenError(`cannot listen on ${where}: the address is already in use (another clawgate, or another program).${fix}`, err.code);
    case 'EACCES':
    case 'EPERM':
      return new ListenError(`cannot listen on ${where}: permission denied (ports below 1024 need privileges).${portHint ? ' Use a port of 1024 or above with --port or gateway.port, or grant the capability (setcap cap_net_bind_service).' : ''}`, err.code);
    case 'EADDRNOTAVAIL':
      return new ListenError(`cannot listen on ${where}: this host has no such address. Check gateway.bind and gateway.customBindHost.`, err.code);
    default:
      return new ListenError(`cannot listen on ${where}: ${err.code ?? err.message}`, err.code);
  }
}

/** Listens on a TCP port or a Unix socket path; rejects with a ListenError. */
export function listen(server: Server, target: { port: number; host: string } | { path: string }): Promise<void> {
  const where = 'path' in target ? target.path : `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
  return new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(explainListenError(err, where, !('path' in target)));
    server.once('error', onError);
    const done = () => { server.off('error', onError); resolve(); };
    if ('path' in target) server.listen(target.path, done); else server.listen(target.port, target.host, done);
  });
}
