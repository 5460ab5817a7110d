// Wires the customer portal: parses its PORTAL_* settings, builds sessions,
// sign-in links, rate limits, the live ticket streams and the pages, and
// mounts them with the web layer's security middleware (security headers,
// CSRF, session) in front. Sign-in mail goes out as a durable job through
// `parts.mailer`, or as .eml files in DATA_DIR/outbox when none is set.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Router from '@koa/router';
import type Koa from 'koa';
import { z } from 'zod';
import { authRoutes } from '../auth/routes.ts';
import { LoginLinks } from '../auth/login-links.ts';
import { outboxFolderMailer, type Mailer } from '../auth/mailer.ts';
import { loadSession, Sessions } from '../auth/sessions.ts';
import { SIGN_IN_MAIL_JOB, SIGN_IN_REQUESTED, signInMailHandler } from '../auth/sign-in-mail.ts';
import { Throttle } from '../auth/throttle.ts';
import { intSetting, parseEnvGroup } from '../config.ts';
import { csrfProtection } from '../http/csrf.ts';
import { pageSecurityHeaders } from '../http/security-headers.ts';
import { staticAssets, type StaticFile } from '../http/static-files.ts';
import { knowledgeRoutes } from '../portal/knowledge-routes.ts';
import { TicketListCache } from '../portal/list-cache.ts';
import { LiveTickets } from '../portal/live.ts';
import { ticketRoutes } from '../portal/tickets-routes.ts';
import type { Chrome } from '../views/layout.tsx';
import type { ParleyParts } from '../server.ts';

const flag = z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { error: 'expected true or false' }).transform((v) => ['true', '1', 'yes', 'on'].includes(v));

export const portalEnvSchema = z.object({
  PORTAL_ENABLED: flag.default(true),
  PORTAL_SITE_NAME: z.string().trim().min(1).max(80).default('Support'),
  PORTAL_LINK_TTL_MINUTES: intSetting(1, 1440).default(15),
  PORTAL_SESSION_IDLE_HOURS: intSetting(1, 8760).default(24),
  PORTAL_SESSION_MAX_DAYS: intSetting(1, 400).default(30),
  PORTAL_SIGN_IN_PER_ADDRESS: intSetting(1, 10_000).default(5),
  PORTAL_SIGN_IN_PER_IP: intSetting(1, 100_000).default(30),
  PORTAL_UPLOAD_MAX_BYTES: intSetting(1, 1024 * 1024 * 1024).default(10 * 1024 * 1024),
  PORTAL_UPLOAD_MAX_FILES: intSetting(0, 20).default(5),
  // Shared with the chat widget (see web/features/webchat.ts): the same host
  // identity signs a user into the portal.
  WEBCHAT_IDENTITY_SECRET: z.string().min(16, 'expected at least 16 characters (share it with the host application)').optional(),
  WEBCHAT_IDENTITY_MAX_AGE_S: intSetting(60, 30 * 86_400).default(86_400),
  EMAIL_FROM: z.string().trim().min(3).optional(),
  EMAIL_ADDRESSES: z.string().trim().optional(),
});

export const ASSETS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'assets');
const requireFromHere = createRequire(import.meta.url);

/** The portal's stylesheet, script and htmx, under `prefix`; the desk adds its own files under /desk/assets. */
export function portalAssets(prefix = '/assets', extra: Record<string, StaticFile> = {}) {
  return staticAssets(prefix, {
    ...extra,
    'portal.css': { file: path.join(ASSETS_DIR, 'portal.css'), contentType: 'text/css; charset=utf-8' },
    'portal.js': { file: path.join(ASSETS_DIR, 'portal.js'), contentType: 'text/javascript; charset=utf-8' },
    // htmx and its SSE extension from their npm packages, served from our origin.
    'htmx.min.js': { file: requireFromHere.resolve('htmx.org/dist/htmx.min.js'), contentType: 'text/javascript; charset=utf-8' },
    'htmx-sse.min.js': { file: requireFromHere.resolve('htmx-ext-sse/dist/sse.min.js'), contentType: 'text/javascript; charset=utf-8' },
  });
}

export function portal(parts: ParleyParts): void {
  const env = parseEnvGroup(portalEnvSchema, parts.env);
  if (!env.PORTAL_ENABLED) return;
  const { db, clock, core, config } = parts;
  const knex = db.knex;
  const logger = parts.logger.child({ component: 'portal' });
  const secureCookies = config.publicUrl.startsWith('https:');

  const sessions = new Sessions({
    knex,
    clock,
    options: { idleMs: env.PORTAL_SESSION_IDLE_HOURS * 3_600_000, absoluteMs: env.PORTAL_SESSION_MAX_DAYS * 86_400_000, secureCookies },
  });
  const links = new LoginLinks({ knex, clock, publicUrl: config.publicUrl, ttlMs: env.PORTAL_LINK_TTL_MINUTES * 60_000 });
  const throttle = new Throttle({ knex, clock });
  const from = env.EMAIL_FROM ?? `${env.PORTAL_SITE_NAME} <${env.EMAIL_ADDRESSES?.split(',')[0]?.trim() || 'support@localhost'}>`;
  const fallbackMailer = outboxFolderMailer(path.join(config.dataDir, 'outbox'), from, clock);
  // Read at send time: the email channel may provide parts.mailer after us.
  const mailer = (): Mailer => parts.mailer ?? fallbackMailer;
  parts.addFollowUp(SIGN_IN_REQUESTED, SIGN_IN_MAIL_JOB, signInMailHandler({ knex, clock, links, mailer, siteName: env.PORTAL_SITE_NAME, logger }));

  const assets = portalAssets();
  const chrome: Chrome = {
    siteName: env.PORTAL_SITE_NAME,
    assets: { css: assets.url('portal.css'), js: assets.url('portal.js'), htmx: assets.url('htmx.min.js'), sse: assets.url('htmx-sse.min.js') },
  };
  const live = new LiveTickets({ knex, bus: parts.bus, clock, logger });
  live.start();

  const router = new Router();
  router.use(
    pageSecurityHeaders({ imgSrc: ['https:'] }),
    csrfProtection({ secret: parts.secret, publicOrigin: new URL(config.publicUrl).origin, secureCookies }),
    loadSession(sessions),
  );
  authRoutes(router, {
    core,
    chrome,
    sessions,
    links,
    throttle,
    limits: { perAddressPerHour: env.PORTAL_SIGN_IN_PER_ADDRESS, perIpPerHour: env.PORTAL_SIGN_IN_PER_IP },
    host: { secret: env.WEBCHAT_IDENTITY_SECRET, maxAgeMs: env.WEBCHAT_IDENTITY_MAX_AGE_S * 1000 },
  });
  ticketRoutes(router, {
    core,
    knex,
    clock,
    chrome,
    attachments: parts.attachments,
    live,
    listCache: new TicketListCache({ knex, clock }),
    knowledge: parts.knowledge,
    settings: { maxFiles: env.PORTAL_UPLOAD_MAX_FILES, maxFileBytes: env.PORTAL_UPLOAD_MAX_BYTES },
  });
  if (parts.knowledge) knowledgeRoutes(router, { core, knex, clock, chrome, knowledge: parts.knowledge });

  parts.mount(assets.middleware as Koa.Middleware);
  parts.mount(router.routes() as Koa.Middleware);
  parts.mount(router.allowedMethods() as Koa.Middleware);

  // Expired sessions and spent links are swept hourly.
  const sweep = setInterval(() => {
    Promise.all([sessions.purgeExpired(), links.purgeExpired()]).catch((err) => logger.warn({ err }, 'session sweep failed'));
  }, 3_600_000);
  sweep.unref();
  parts.onStop(async () => {
    clearInterval(sweep);
    live.stop();
  });
}
