// Sends a stored file as the response. Images a browser shows safely open
// inline; everything else downloads. Either way the file runs in a sandbox
// with no script, and never from a shared cache.
import type { Context } from 'koa';
import type { AttachmentStore } from '../../core/index.ts';

/** Types a browser may show inline; everything else downloads. */
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export function sendAttachment(ctx: Context, store: AttachmentStore, file: { filename: string; contentType: string; size: number | string; sha256: string }): void {
  const inline = INLINE_TYPES.has(file.contentType);
  ctx.set('Content-Security-Policy', "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox");
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Cache-Control', 'private, no-store');
  ctx.set('Content-Disposition', contentDisposition(inline ? 'inline' : 'attachment', file.filename));
  ctx.type = inline ? file.contentType : 'application/octet-stream';
  ctx.length = Number(file.size);
  ctx.body = store.open(file.sha256);
}

/** RFC 6266 with an ASCII fallback, so any filename is safe in the header. */
export function contentDisposition(kind: 'inline' | 'attachment', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_') || 'file';
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
