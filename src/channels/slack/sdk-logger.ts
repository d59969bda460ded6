// Routes the Slack SDKs' own log lines into the gateway logger at debug level, so they are
// redacted like every other line and never reach the console directly. The channel logs the
// few lines operators need (connected, lost, failed) itself.
import { LogLevel, type Logger as SlackLogger } from '@slack/socket-mode';
import type { Logger } from '../../util/log.js';

const text = (parts: unknown[]): string => parts.map((p) => {
  if (typeof p === 'string') return p;
  if (p instanceof Error) return p.message;
  try { return JSON.stringify(p); } catch { return String(p); }
}).join(' ');

export function sdkLogger(log: Logger): SlackLogger {
  let level = LogLevel.DEBUG;
  let name = 'slack-sdk';
  const at = (sdkLevel: LogLevel) => (...parts: unknown[]) => log.debug(text(parts), { sdk: name, sdkLevel });
  return {
    debug: at(LogLevel.DEBUG), info: at(LogLevel.INFO), warn: at(LogLevel.WARN), error: at(LogLevel.ERROR),
    setLevel: (l) => { level = l; },
    getLevel: () => level,
    setName: (n) => { name = n; },
  };
}
