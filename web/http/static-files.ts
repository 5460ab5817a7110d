// A handful of static files (our CSS and JS, htmx from its npm package) read
// once at boot and served from memory with an ETag. URLs carry a content hash,
// so browsers may keep them for a year.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Context, Next } from 'koa';

export interface StaticFile {
  /** Where the file lives on disk. */
  file: string;
  contentType: string;
}

export interface StaticAssets {
  middleware: (ctx: Context, next: Next) => Promise<void>;
  /** The versioned URL of an asset by its name, e.g. url('portal.css'). */
  url(name: string): string;
}

export function staticAssets(prefix: string, files: Record<string, StaticFile>): StaticAssets {
  const served = new Map<string, { body: Buffer; type: string; etag: string }>();
  const urls = new Map<string, string>();
  for (const [name, spec] of Object.entries(files)) {
    const body = fs.readFileSync(spec.file);
    const hash = createHash('sha256').update(body).digest('base64url').slice(0, 12);
    served.set(`${prefix}/${name}`, { body, type: spec.contentType, etag: `"${hash}"` });
    urls.set(name, `${prefix}/${name}?v=${hash}`);
  }
  return {
    url(name) {
      const url = urls.get(name);
      if (!url) throw new Error(`unknown asset ${name}`);
      return url;
    },
    async middleware(ctx, next) {
      const asset = ctx.method === 'GET' || ctx.method === 'HEAD' ? served.get(ctx.path) : undefined;
      if (!asset) return next();
      ctx.set('X-Content-Type-Options', 'nosniff');
      ctx.set('Cross-Origin-Resource-Policy', 'same-origin');
      ctx.set('Cache-Control', ctx.query.v ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
      ctx.set('ETag', asset.etag);
      if (ctx.get('if-none-match') === asset.etag) {
        ctx.status = 304;
        return;
      }
      ctx.type = asset.type;
      ctx.body = asset.body;
    },
  };
}
