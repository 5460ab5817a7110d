// Slack's HTTP events and interactions inside our one Koa app. Bolt's
// HTTPReceiver reads the raw body itself (its signature covers the exact
// bytes), so the request is handed over untouched. Before that we refuse a
// timestamp outside the window in either direction: Bolt only refuses old
// ones, and a far-future timestamp would make a captured request replayable.
import { HTTPReceiver } from '@slack/bolt';
import type Koa from 'koa';
import type { Logger } from 'pino';
import type { Clock } from '../../core/index.ts';
import { slackLogger } from './logger.ts';

export function createHttpReceiver(options: { signingSecret: string; path: string; logger: Logger }): HTTPReceiver {
  return new HTTPReceiver({
    signingSecret: options.signingSecret,
    endpoints: options.path,
    // Answer Slack only after our listener has stored the message.
    processBeforeResponse: true,
    logger: slackLogger(options.logger, 'slack-http'),
  });
}

export function slackEventsMiddleware(
  receiver: HTTPReceiver,
  options: { path: string; clock: Clock; toleranceS: number; isReady: () => boolean },
): Koa.Middleware {
  return async function slackEvents(ctx, next) {
    if (ctx.path !== options.path) return next();
    if (ctx.method !== 'POST') {
      ctx.status = 405;
      ctx.set('Allow', 'POST');
      return;
    }
    const ts = Number(ctx.get('x-slack-request-timestamp'));
    if (!ctx.get('x-slack-request-timestamp') || !Number.isFinite(ts) || Math.abs(options.clock.now() / 1000 - ts) > options.toleranceS) {
      ctx.status = 401;
      ctx.body = { error: 'stale or future request timestamp' };
      return;
    }
    if (!options.isReady()) {
      ctx.status = 503; // Slack retries
      return;
    }
    ctx.respond = false;
    const done = new Promise<void>((resolve) => ctx.res.once('close', () => resolve()));
    receiver.requestListener(ctx.req, ctx.res);
    await done;
  };
}
