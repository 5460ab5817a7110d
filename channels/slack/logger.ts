// Bolt, the Web API client and the Socket Mode client each want a logger of
// Slack's own shape; this one writes to our pino logger, so their messages
// land in the service log with the channel's context.
import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from 'pino';

export function slackLogger(logger: Logger, name = 'slack'): SlackLogger {
  let level = LogLevel.INFO;
  let child = logger.child({ component: name });
  const write = (method: 'debug' | 'info' | 'warn' | 'error') => (...msg: unknown[]) => {
    const [first, ...rest] = msg;
    if (first instanceof Error) child[method]({ err: first }, rest.map(String).join(' ') || first.message);
    else child[method](msg.map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : JSON.stringify(m))).join(' '));
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    // Levels are pino's business; remember what the library asked for.
    setLevel: (l: LogLevel) => void (level = l),
    getLevel: () => level,
    setName: (n: string) => void (child = logger.child({ component: n })),
  };
}
