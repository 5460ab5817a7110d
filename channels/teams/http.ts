// The messaging endpoint (/api/messages) inside our Koa app: the JSON body
// is read here (with a size limit), the Bot Framework JWT is verified when an
// app id is configured, and Teams gets its answer only after the turn (storing
// the message) has finished.
//
// Without an app id nothing proves who is calling, and replies go to the
// serviceUrl the caller names; so in that mode (the Bot Framework Emulator)
// only loopback service URLs are accepted.
import type { Activity, TurnContext } from 'botbuilder';
import type Koa from 'koa';
import type { Logger } from 'pino';
import type { ParleyCloudAdapter } from './cloud-adapter.ts';

export interface MessagesEndpointOptions {
  path: string;
  appId?: string;
  bodyMaxBytes: number;
  isReady: () => boolean;
}

export function teamsMessagesMiddleware(
  cloud: ParleyCloudAdapter,
  onTurn: (context: TurnContext) => Promise<void>,
  options: MessagesEndpointOptions,
  logger: Logger,
): Koa.Middleware {
  return async function teamsMessages(ctx, next) {
    if (ctx.path !== options.path) return next();
    if (ctx.method !== 'POST') {
      ctx.status = 405;
      ctx.set('Allow', 'POST');
      return;
    }
    // Refuse the obviously unauthenticated before reading anything.
    if (options.appId && !/^Bearer \S+$/.test(ctx.get('authorization'))) {
      ctx.status = 401;
      ctx.body = { error: 'a Bot Framework token is required' };
      return;
    }
    if (!options.isReady()) {
      ctx.status = 503;
      return;
    }
    const body = await readJson(ctx, options.bodyMaxBytes);
    if (body === undefined) return;
    if (!options.appId && !isLoopbackUrl(body.serviceUrl)) {
      logger.warn({ serviceUrl: body.serviceUrl }, 'teams activity refused: without MICROSOFT_APP_ID only loopback service URLs are accepted');
      ctx.status = 401;
      ctx.body = { error: 'configure MICROSOFT_APP_ID to accept activities from the Bot Framework' };
      return;
    }
    const result = await cloud.handle(ctx.get('authorization'), body as Activity, onTurn);
    if (result.status === 401) logger.warn({ activityId: body.id }, 'teams activity refused: invalid Bot Framework token');
    ctx.status = result.status;
    ctx.body = result.body ?? '';
  };
}
async function readJson(ctx: Koa.Context, limit: number): Promise<Record<string, any> | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      ctx.status = 413;
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  try {
    const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed;
  } catch {
    // answered below
  }
  ctx.status = 400;
  ctx.body = { error: 'expected a JSON activity' };
  return undefined;
}

function isLoopbackUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const host = new URL(value).hostname;
    return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host);
  } catch {
    return false;
  }
}
