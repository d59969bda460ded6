// Values derived from a validated config the same way everywhere (startup and doctor): the
// host a bind mode listens on, and the auth mode when the config leaves it implicit. Pure.
import { isLoopbackIp } from '../util/ip.js';
import type { AuthMode, RawConfig } from './schema.js';

/** The address `gateway.bind` listens on; `auto` means all interfaces inside a container. */
export function bindHostOf(g: Pick<RawConfig['gateway'], 'bind' | 'customBindHost'>, inContainer: boolean): string {
  switch (g.bind) {
    case 'loopback': return '127.0.0.1';
    case 'lan': return '0.0.0.0';
    case 'custom': return g.customBindHost ?? '127.0.0.1';
    case 'auto': return inContainer ? '0.0.0.0' : '127.0.0.1';
  }
}

export const isLoopbackHost = (host: string): boolean => isLoopbackIp(host) || host === 'localhost';

/** `auth.mode` when set; otherwise password when only a password is configured, else token. */
export function authModeOf(mode: AuthMode | undefined, token: string | undefined, password: string | undefined): AuthMode {
  return mode ?? (password !== undefined && token === undefined ? 'password' : 'token');
}
