// Pages and files the browser loads: the embed script, the chat page in the
// iframe, its assets, and the demo host page. Strict CSP on our pages: only
// our own scripts, styles, images and connections.
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Clock } from '../../core/index.ts';
import { signHostIdentity } from './identity.ts';
import type { WebchatOptions } from './options.ts';
import { ChatPage } from './pages/chat-page.tsx';
import { DemoPage } from './pages/demo-page.tsx';
import type { StaticAssets } from './static-assets.ts';

export function pageRouter(deps: { options: WebchatOptions; assets: StaticAssets; clock: Clock }): Router {
  const { options, assets } = deps;
  const router = new Router();
  const frameAncestors = options.frameAncestors.join(' ');
  const chatCsp = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'none'",
    "base-uri 'none'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
  const demoCsp = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "frame-src 'self'",
    "form-action 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  const chatHtml = ChatPage({
    scriptUrl: assets.url('chat.js'),
    styleUrl: assets.url('chat.css'),
    maxLength: options.maxMessageLength,
    uploadTypes: options.uploadTypes,
    uploadMaxBytes: options.uploadMaxBytes,
  });

  function page(ctx: Context, html: string, csp: string): void {
    ctx.set('Content-Security-Policy', csp);
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('Cache-Control', 'no-cache');
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = html;
  }

  router.get('/widget.js', (ctx) => {
    // Loaded by other sites' pages: allowed cross-origin, kept briefly so a
    // new version reaches host pages within minutes.
    ctx.set('Cross-Origin-Resource-Policy', 'cross-origin');
    assets.serve(ctx, 'widget.js', 'public, max-age=300');
  });

  router.get('/chat', (ctx) => page(ctx, chatHtml, chatCsp));

  router.get('/chat/assets/:name', (ctx) => {
    if (!assets.serve(ctx, ctx.params.name ?? '')) ctx.status = 404;
  });

  if (options.demo) {
    router.get('/demo', (ctx) => {
      const signedIn = ctx.query['signed-in'] === '1' && options.identitySecret;
      const identity = signedIn ? demoIdentity(options.identitySecret!, deps.clock.now()) : undefined;
      page(ctx, DemoPage({ publicUrl: options.publicUrl, styleUrl: assets.url('demo.css'), identity }), demoCsp);
    });
  }
  return router;
}

/** What a host application's server does for its signed-in user. */
function demoIdentity(secret: string, now: number) {
  const identity = { userId: 'demo-user-1', email: 'ada@example.com', name: 'Ada Lovelace', timestamp: Math.floor(now / 1000) };
  return { ...identity, signature: signHostIdentity(secret, identity) };
}
