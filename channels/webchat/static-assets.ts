// The widget's own files (assets/), read once at boot and served with an
// ETag. Pages link them as `/chat/assets/<name>?v=<hash>`, so a browser may
// keep them for a year and still gets a new file after an upgrade.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'koa';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

interface Asset {
  body: Buffer;
  type: string;
  hash: string;
}

export class StaticAssets {
  private readonly assets = new Map<string, Asset>();

  constructor(dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'assets')) {
    for (const name of fs.readdirSync(dir)) {
      const type = TYPES[path.extname(name)];
      if (!type) continue;
      const body = fs.readFileSync(path.join(dir, name));
      this.assets.set(name, { body, type, hash: createHash('sha256').update(body).digest('base64url').slice(0, 12) });
    }
  }

  /** The versioned URL of an asset, for pages to link. */
  url(name: string): string {
    const asset = this.assets.get(name);
    if (!asset) throw new Error(`no web chat asset named ${name}`);
    return `/chat/assets/${name}?v=${asset.hash}`;
  }

  /** Answers with the asset; false when there is none by that name. */
  serve(ctx: Context, name: string, cacheControl?: string): boolean {
    const asset = this.assets.get(name);
    if (!asset) return false;
    const etag = `"${asset.hash}"`;
    ctx.set('ETag', etag);
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Cache-Control', cacheControl ?? (ctx.query.v === asset.hash ? 'public, max-age=31536000, immutable' : 'public, max-age=300'));
    if (ctx.get('if-none-match') === etag) {
      ctx.status = 304;
      return true;
    }
    ctx.type = asset.type;
    ctx.body = asset.body;
    return true;
  }
}
