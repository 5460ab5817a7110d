// The Koa application: error handling, access logs, health probes, and the
// routes later parts mount (portal, widget, HTTP channels).
import Router from '@koa/router';
import Koa from 'koa';
import type { Logger } from 'pino';
import type { Database } from '../knexfile.ts';
import { errorHandler } from './errors-middleware.ts';

export interface AppDeps {
  db: Database;
  logger: Logger;
  /** False once shutdown has begun: /readyz turns 503 so balancers move away. */
  isReady: () => boolean;
  /** Extra routers and middleware from channels and pages, mounted in order. */
  mounts?: Koa.Middleware[];
  /** Trust X-Forwarded-For/-Proto (only behind a proxy that sets them; else clients could forge their address). */
  trustProxy?: boolean;
}

export function createApp(deps: AppDeps): Koa {
  const app = new Koa({ proxy: deps.trustProxy ?? false });
  app.silent = true; // errors are logged by errorHandler
  app.use(async function closeWhenStopping(ctx, next) {
    await next();
    // During shutdown, answer what is in flight and let keep-alive sockets go.
    if (!deps.isReady()) ctx.set('Connection', 'close');
  });
  app.use(errorHandler(deps.logger));
  app.use(async function accessLog(ctx, next) {
    const started = process.hrtime.bigint();
    await next();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    deps.logger.debug({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(ms * 10) / 10 }, 'request');
  });

  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    if (!deps.isReady()) {
      ctx.status = 503;
      ctx.body = { status: 'shutting down' };
      return;
    }
    try {
      await deps.db.knex.raw('select 1');
      ctx.body = { status: 'ready', database: deps.db.dialect };
    } catch (error) {
      deps.logger.warn({ err: error }, 'readiness check: database unreachable');
      ctx.status = 503;
      ctx.body = { status: 'database unreachable' };
    }
  });
  app.use(router.routes()).use(router.allowedMethods());
  for (const mount of deps.mounts ?? []) app.use(mount);
  return app;
}
