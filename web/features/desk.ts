// Wires the agent desk under /desk: its own session cookie and sign-in links
// (agents are created with `parley agent:add`), the inbox, the ticket view
// and the dashboard, behind the same security middleware as the portal
// (security headers, CSRF). Every page but sign-in needs a signed-in agent.
import path from 'node:path';
import Router from '@koa/router';
import type Koa from 'koa';
import { z } from 'zod';
import { Agent } from '../../core/index.ts';
import { AGENT_LINKS, LoginLinks } from '../auth/login-links.ts';
import { outboxFolderMailer, type Mailer } from '../auth/mailer.ts';
import { loadSession, Sessions } from '../auth/sessions.ts';
import { signInMailHandler } from '../auth/sign-in-mail.ts';
import { Throttle } from '../auth/throttle.ts';
import { intSetting, parseEnvGroup } from '../config.ts';
import { DESK_SIGN_IN_MAIL_JOB, DESK_SIGN_IN_REQUESTED, deskAuthRoutes } from '../desk/auth-routes.ts';
import type { DeskDeps } from '../desk/context.ts';
import { dashboardRoutes } from '../desk/dashboard/routes.ts';
import { requireAgent } from '../desk/guard.ts';
import { inboxRoutes } from '../desk/inbox-routes.ts';
import { DeskLive } from '../desk/live.ts';
import { deskTicketRoutes } from '../desk/ticket-routes.ts';
import { csrfProtection } from '../http/csrf.ts';
import { pageSecurityHeaders } from '../http/security-headers.ts';
import type { Chrome } from '../views/layout.tsx';
import type { ParleyParts } from '../server.ts';
import { ASSETS_DIR, portalAssets } from './portal.ts';

const flag = z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { error: 'expected true or false' }).transform((v) => ['true', '1', 'yes', 'on'].includes(v));

export const deskEnvSchema = z.object({
  DESK_ENABLED: flag.default(true),
  PORTAL_SITE_NAME: z.string().trim().min(1).max(80).default('Support'),
  DESK_LINK_TTL_MINUTES: intSetting(1, 1440).default(15),
  DESK_SESSION_IDLE_HOURS: intSetting(1, 720).default(12),
  DESK_SESSION_MAX_DAYS: intSetting(1, 90).default(14),
  DESK_UPLOAD_MAX_BYTES: intSetting(1, 1024 * 1024 * 1024).default(25 * 1024 * 1024),
  DESK_UPLOAD_MAX_FILES: intSetting(0, 20).default(10),
  EMAIL_FROM: z.string().trim().min(3).optional(),
  EMAIL_ADDRESSES: z.string().trim().optional(),
});

export function desk(parts: ParleyParts): void {
  const env = parseEnvGroup(deskEnvSchema, parts.env);
  if (!env.DESK_ENABLED) return;
  const { db, clock, core, config } = parts;
  const knex = db.knex;
  const logger = parts.logger.child({ component: 'desk' });
  const secureCookies = config.publicUrl.startsWith('https:');

  // A cookie of its own: a customer's portal session is never read at the desk.
  const sessions = new Sessions({
    knex,
    clock,
    options: { idleMs: env.DESK_SESSION_IDLE_HOURS * 3_600_000, absoluteMs: env.DESK_SESSION_MAX_DAYS * 86_400_000, secureCookies, cookieName: 'parley_desk' },
  });
  const links = new LoginLinks({ knex, clock, publicUrl: config.publicUrl, ttlMs: env.DESK_LINK_TTL_MINUTES * 60_000, audience: AGENT_LINKS });
  const from = env.EMAIL_FROM ?? `${env.PORTAL_SITE_NAME} <${env.EMAIL_ADDRESSES?.split(',')[0]?.trim() || 'support@localhost'}>`;
  const fallbackMailer = outboxFolderMailer(path.join(config.dataDir, 'outbox'), from, clock);
  const mailer = (): Mailer => parts.mailer ?? fallbackMailer;
  parts.addFollowUp(
    DESK_SIGN_IN_REQUESTED,
    DESK_SIGN_IN_MAIL_JOB,
    signInMailHandler({
      knex,
      clock,
      links,
      mailer,
      siteName: `${env.PORTAL_SITE_NAME} desk`,
      logger,
      find: async (k, email) => Agent.query(k).findOne({ email: email.trim().toLowerCase() }),
    }),
  );

  const assets = portalAssets('/desk/assets', {
    'desk.css': { file: path.join(ASSETS_DIR, 'desk.css'), contentType: 'text/css; charset=utf-8' },
  });
  const chrome: Chrome = {
    siteName: env.PORTAL_SITE_NAME,
    assets: {
      css: assets.url('portal.css'),
      extraCss: assets.url('desk.css'),
      js: assets.url('portal.js'),
      htmx: assets.url('htmx.min.js'),
      sse: assets.url('htmx-sse.min.js'),
    },
  };

  const router = new Router();
  router.use(
    pageSecurityHeaders({ imgSrc: ['https:'] }),
    csrfProtection({ secret: parts.secret, publicOrigin: new URL(config.publicUrl).origin, secureCookies }),
    loadSession(sessions),
  );
  deskAuthRoutes(router, { core, chrome, sessions, links, throttle: new Throttle({ knex, clock }), limits: { perAddressPerHour: 5, perIpPerHour: 30 } });

  const guarded = new Router();
  guarded.use(requireAgent(knex));
  const deps: DeskDeps = { core, knex, dialect: db.dialect, clock, bus: parts.bus, chrome, knowledge: parts.knowledge };
  const live = new DeskLive(parts.bus);
  live.start();
  inboxRoutes(guarded, { ...deps, live });
  deskTicketRoutes(guarded, {
    ...deps,
    live,
    attachments: parts.attachments,
    uploads: { maxFileBytes: env.DESK_UPLOAD_MAX_BYTES, maxFiles: env.DESK_UPLOAD_MAX_FILES },
  });
  dashboardRoutes(guarded, deps);
  router.use(guarded.routes() as any, guarded.allowedMethods() as any);

  parts.mount(assets.middleware as Koa.Middleware);
  parts.mount(router.routes() as Koa.Middleware);
  parts.mount(router.allowedMethods() as Koa.Middleware);

  const sweep = setInterval(() => {
    Promise.all([sessions.purgeExpired(), links.purgeExpired()]).catch((err) => logger.warn({ err }, 'desk session sweep failed'));
  }, 3_600_000);
  sweep.unref();
  parts.onStop(async () => {
    clearInterval(sweep);
    live.stop();
  });
}
