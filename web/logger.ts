// Structured JSON logs on stderr (stdout is for machine output); pretty when a
// person is watching a terminal.
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from './config.ts';

export function createLogger(log: Config['log'], destination: NodeJS.WritableStream = process.stderr): Logger {
  const usePretty = log.format === 'pretty' || (log.format === 'auto' && Boolean((destination as any).isTTY));
  const options: pino.LoggerOptions = { level: log.level, base: { service: 'parley' } };
  if (usePretty) {
    return pino(options, pretty({ destination, colorize: Boolean((destination as any).isTTY), ignore: 'pid,hostname,service', sync: true }));
  }
  return pino(options, destination as any);
}
