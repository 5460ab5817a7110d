// Request bodies for server-rendered pages: url-encoded forms (bounded,
// read once and cached, so the CSRF check and the route share one read) and
// multipart forms with files streamed into the attachment store. Limits are
// enforced while reading; nothing is buffered without a bound.
import busboy from 'busboy';
import type { Context } from 'koa';
import { TooLargeError, type AttachmentStore } from '../../core/index.ts';
import { CSRF_FIELD, type CsrfState } from './csrf.ts';
import { badRequest, forbidden, HttpError, payloadTooLarge, unsupportedMediaType } from './http-error.ts';

export const DEFAULT_FORM_LIMIT = 256 * 1024;

/** Reads the url-encoded form of this request (once; later calls get the same). */
export async function readForm(ctx: Context, limit = DEFAULT_FORM_LIMIT): Promise<URLSearchParams> {
  const cached = ctx.state.form as URLSearchParams | undefined;
  if (cached) return cached;
  if (!ctx.is('application/x-www-form-urlencoded')) throw unsupportedMediaType('Expected a form.');
  const raw = await readRaw(ctx, limit);
  const form = new URLSearchParams(raw.toString('utf8'));
  ctx.state.form = form;
  return form;
}

async function readRaw(ctx: Context, limit: number): Promise<Buffer> {
  if (Number(ctx.get('content-length') || 0) > limit) throw payloadTooLarge('That is more text than we can take in one go.');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw payloadTooLarge('That is more text than we can take in one go.');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export interface UploadedFile {
  sha256: string;
  size: number;
  filename: string;
  contentType: string;
}

export interface MultipartOptions {
  store: AttachmentStore;
  maxFileBytes: number;
  maxFiles: number;
  /** Total bytes of the text fields. */
  maxFieldBytes?: number;
}

export interface MultipartForm {
  fields: URLSearchParams;
  files: UploadedFile[];
}

/**
 * Reads a multipart form: text fields into `fields`, files into the store.
 * Without a CSRF header, the `_csrf` field must come before the first file
 * (our forms put it first), so nothing from a forged form is ever stored.
 */
export async function readForms(ctx: Context, options: MultipartOptions): Promise<MultipartForm> {
  if (ctx.is('application/x-www-form-urlencoded')) return { fields: await readForm(ctx, options.maxFieldBytes ?? DEFAULT_FORM_LIMIT), files: [] };
  if (!ctx.is('multipart/form-data')) throw unsupportedMediaType('Expected a form.');
  const maxFieldBytes = options.maxFieldBytes ?? DEFAULT_FORM_LIMIT;
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > options.maxFiles * options.maxFileBytes + maxFieldBytes + 64 * 1024) {
    ctx.set('Connection', 'close');
    throw payloadTooLarge(fileLimitText(options));
  }
  const csrf = ctx.state.csrf as CsrfState | undefined;

  return new Promise<MultipartForm>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: ctx.req.headers,
        limits: { files: options.maxFiles, fileSize: options.maxFileBytes + 1, fieldSize: maxFieldBytes, fields: 50, parts: options.maxFiles + 50, headerPairs: 20 },
      });
    } catch {
      reject(badRequest('We could not read that form.'));
      return;
    }
    const fields = new URLSearchParams();
    const files: UploadedFile[] = [];
    const pending: Promise<void>[] = [];
    let fieldBytes = 0;
    let failed: unknown;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = error;
      ctx.req.unpipe(parser);
      ctx.req.resume();
      reject(error);
    };

    parser.on('field', (name, value, info) => {
      fieldBytes += name.length + value.length;
      if (info.valueTruncated || fieldBytes > maxFieldBytes) return fail(payloadTooLarge('That is more text than we can take in one go.'));
      if (name === CSRF_FIELD && csrf && !csrf.verified) {
        if (!csrf.check(value)) fail(forbidden('This form has expired. Please go back, reload the page and try again.', 'csrf'));
        return;
      }
      fields.append(name, value);
    });
    parser.on('file', (_name, stream, info) => {
      if (failed) return void stream.resume();
      if (csrf && !csrf.verified) {
        stream.resume();
        return fail(forbidden('This form has expired. Please go back, reload the page and try again.', 'csrf'));
      }
      const filename = cleanFilename(info.filename ?? '');
      if (!filename) return void stream.resume(); // an empty file input
      const contentType = cleanType(info.mimeType);
      pending.push(
        options.store.put(stream, options.maxFileBytes).then(
          (stored) => {
            // An empty picked file carries nothing worth keeping.
            if (stored.size > 0) files.push({ ...stored, filename, contentType });
          },
          (error) => fail(error instanceof TooLargeError ? payloadTooLarge(fileLimitText(options)) : error),
        ),
      );
    });
    parser.on('filesLimit', () => fail(new HttpError(413, 'too_many_files', `Attach at most ${options.maxFiles} files.`)));
    parser.on('fieldsLimit', () => fail(payloadTooLarge('That form has too many fields.')));
    parser.on('partsLimit', () => fail(payloadTooLarge('That form has too many parts.')));
    parser.on('error', () => fail(badRequest('We could not read that form.')));
    parser.on('close', () => {
      Promise.all(pending).then(() => {
        if (failed) return;
        if (csrf && !csrf.verified) return fail(forbidden('This form has expired. Please go back, reload the page and try again.', 'csrf'));
        resolve({ fields, files });
      }, fail);
    });
    ctx.req.on('aborted', () => fail(badRequest('The upload was interrupted.')));
    ctx.req.pipe(parser);
  });
}

function fileLimitText(options: MultipartOptions): string {
  return `Files may be at most ${formatBytes(options.maxFileBytes)} each (at most ${options.maxFiles} files).`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 102.4) / 10} KB`;
  return `${Math.round(bytes / (1024 * 102.4)) / 10} MB`;
}

/** The last path segment, without control characters, at most 200 characters. */
export function cleanFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  return base.replace(/[\u0000-\u001f\u007f"]/g, '').trim().slice(0, 200);
}

function cleanType(type: string | undefined): string {
  const t = (type ?? '').toLowerCase().trim();
  return /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(t) && t.length <= 200 ? t : 'application/octet-stream';
}
