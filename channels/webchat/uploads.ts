// Visitor uploads: one file per request, streamed through busboy into the
// content-addressed attachment store with the size limit enforced while
// streaming, the type checked against the allowed list and, for images and
// PDFs, against the file's first bytes. The answer is a signed receipt the
// visitor sends with their message, so a message can only carry files its
// own visitor uploaded.
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import busboy from 'busboy';
import type { Context } from 'koa';
import { z } from 'zod';
import { TooLargeError, type AttachmentStore, type Clock, type InboundAttachment } from '../../core/index.ts';
import { WebchatError, tooLarge } from './http.ts';
import { Signer } from './signing.ts';

const RECEIPT_TTL_MS = 3600_000;

export interface UploadReceipt {
  upload: string;
  filename: string;
  contentType: string;
  size: number;
}

const receiptSchema = z.object({
  v: z.string(),
  h: z.string().regex(/^[0-9a-f]{64}$/),
  s: z.number().int().nonnegative(),
  f: z.string().min(1).max(300),
  t: z.string().min(1).max(200),
  exp: z.number().int(),
});

export class Uploads {
  private readonly signer: Signer;

  constructor(
    private readonly deps: { store: AttachmentStore; secret: string; clock: Clock; maxBytes: number; types: string[] },
  ) {
    this.signer = new Signer(deps.secret, 'upload');
  }

  allows(contentType: string): boolean {
    const type = contentType.toLowerCase();
    return this.deps.types.some((allowed) => allowed === type || (allowed.endsWith('/*') && type.startsWith(allowed.slice(0, -1))));
  }

  /** Streams the request's one file into the store; throws 413/415/422 with nothing kept. */
  async receive(ctx: Context, visitorId: string): Promise<UploadReceipt> {
    const { maxBytes } = this.deps;
    if (!ctx.is('multipart/form-data')) throw new WebchatError('expected a multipart/form-data upload', 415, 'unsupported_media_type');
    // A declared length far over the limit is refused before reading a byte.
    if (Number(ctx.get('content-length') || 0) > maxBytes + 64 * 1024) {
      ctx.set('Connection', 'close');
      throw tooLarge(`files may be at most ${maxBytes} bytes`);
    }
    const stored = await new Promise<{ sha256: string; size: number; filename: string; contentType: string }>((resolve, reject) => {
      let parser: busboy.Busboy;
      try {
        parser = busboy({ headers: ctx.req.headers, limits: { files: 1, fields: 0, parts: 1, fileSize: maxBytes + 1, headerPairs: 20 } });
      } catch {
        reject(new WebchatError('unreadable multipart upload', 400, 'bad_upload'));
        return;
      }
      let started = false;
      parser.on('file', (_field, file, info) => {
        started = true;
        const contentType = (info.mimeType || 'application/octet-stream').toLowerCase();
        const filename = cleanFilename(info.filename);
        if (!this.allows(contentType)) {
          file.resume();
          reject(new WebchatError(`files of type ${contentType} are not accepted`, 415, 'unsupported_type'));
          return;
        }
        // The check may fail before the store starts reading: keep its error.
        let refused: unknown;
        const checked = file.pipe(magicCheck(contentType)).on('error', (error) => (refused ??= error));
        this.deps.store
          .put(checked, maxBytes)
          .then((result) => resolve({ ...result, filename, contentType }))
          .catch((error) => {
            file.resume();
            const cause = refused ?? error;
            reject(cause instanceof TooLargeError ? tooLarge(`files may be at most ${maxBytes} bytes`) : cause);
          });
      });
      parser.on('error', () => reject(new WebchatError('unreadable multipart upload', 400, 'bad_upload')));
      parser.on('close', () => {
        if (!started) reject(new WebchatError('the upload contains no file', 422, 'no_file'));
      });
      (ctx.req as Readable).pipe(parser);
    }).catch(async (error) => {
      // Read (and drop) what the client is still sending, a bounded amount, so
      // it receives our answer instead of a reset connection.
      await drain(ctx.req, maxBytes * 2);
      throw error;
    });
    const exp = this.deps.clock.now() + RECEIPT_TTL_MS;
    const body = Buffer.from(
      JSON.stringify({ v: visitorId, h: stored.sha256, s: stored.size, f: stored.filename, t: stored.contentType, exp }),
    ).toString('base64url');
    return { upload: `${body}.${this.signer.sign(body)}`, filename: stored.filename, contentType: stored.contentType, size: stored.size };
  }

  /** The attachment a receipt stands for, if it is this visitor's and still valid. */
  redeem(receipt: string, visitorId: string): InboundAttachment {
    const [body, signature] = receipt.split('.');
    const invalid = new WebchatError('an attachment receipt is not valid (upload the file again)', 422, 'bad_upload_receipt');
    if (!body || !signature || !this.signer.verify(body, signature)) throw invalid;
    let claims: z.infer<typeof receiptSchema>;
    try {
      claims = receiptSchema.parse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    } catch {
      throw invalid;
    }
    if (claims.v !== visitorId || claims.exp < this.deps.clock.now() || !this.deps.store.exists(claims.h)) throw invalid;
    return { sha256: claims.h, filename: claims.f, contentType: claims.t, size: claims.s };
  }
}

function cleanFilename(name: string | undefined): string {
  const base = path.basename((name ?? '').replace(/\\/g, '/'));
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f"<>]/g, '').trim().slice(-200);
  return clean || 'file';
}

const MAGIC: Partial<Record<string, (head: Buffer) => boolean>> = {
  'image/png': (h) => h.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/jpeg': (h) => h[0] === 0xff && h[1] === 0xd8 && h[2] === 0xff,
  'image/gif': (h) => h.subarray(0, 4).toString('latin1') === 'GIF8',
  'image/webp': (h) => h.subarray(0, 4).toString('latin1') === 'RIFF' && h.subarray(8, 12).toString('latin1') === 'WEBP',
  'application/pdf': (h) => h.subarray(0, 5).toString('latin1') === '%PDF-',
};

/**
 * Passes the bytes through, failing on an empty file or when a known type's
 * signature does not match, so neither is ever written to the store.
 */
function magicCheck(contentType: string): Transform {
  const check = MAGIC[contentType];
  let head: Buffer | null = check ? Buffer.alloc(0) : null;
  let seen = 0;
  const verify = (stream: Transform): boolean => {
    if (!head || !check) return true;
    const ok = check(head);
    if (ok) stream.push(head);
    head = null;
    return ok;
  };
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (!head) return done(null, chunk);
      head = Buffer.concat([head, chunk]);
      if (head.length < 12) return done();
      if (!verify(this)) return done(new WebchatError(`the file is not a valid ${contentType}`, 415, 'type_mismatch'));
      done();
    },
    flush(done) {
      if (seen === 0) return done(new WebchatError('the file is empty', 422, 'empty_file'));
      if (head && head.length > 0 && !verify(this)) return done(new WebchatError(`the file is not a valid ${contentType}`, 415, 'type_mismatch'));
      done();
    },
  });
}

async function drain(req: Readable, limit: number): Promise<void> {
  if (req.readableEnded || req.destroyed) return;
  await new Promise<void>((resolve) => {
    let seen = 0;
    const timer = setTimeout(finish, 5000);
    function finish() {
      clearTimeout(timer);
      req.off('data', onData);
      resolve();
    }
    function onData(chunk: Buffer) {
      seen += chunk.length;
      if (seen > limit) {
        req.destroy();
        finish();
      }
    }
    req.unpipe();
    req.on('data', onData);
    req.once('end', finish);
    req.once('close', finish);
    req.resume();
  });
}
