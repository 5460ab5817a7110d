// Parsing one stored raw message with mailparser's streaming parser: headers
// and text are collected, every attachment (inline images included) streams
// straight into the content-addressed attachment store, so a 25 MB file never
// sits in memory. Limits on attachment count and size drop the excess (the
// stored original keeps it) instead of failing the message.
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { AddressObject, AttachmentStream, EmailAddress, Headers, MailParser, MessageText } from 'mailparser';
import { TooLargeError, type AttachmentStore } from '../../core/index.ts';
import { drainSafe } from './drain-safe.ts';
import { messageIdOf, messageIdsIn } from './message-ids.ts';

export interface Mailbox {
  address: string;
  name: string;
}

export interface StoredPart {
  sha256: string;
  filename: string;
  contentType: string;
  size: number;
  contentId?: string;
  inline: boolean;
}

export interface ParsedEmail {
  headers: Headers;
  messageId?: string;
  subject: string;
  from?: Mailbox;
  replyTo?: Mailbox;
  /** The real author behind a group or list (X-Original-Sender). */
  originalSender?: string;
  to: Mailbox[];
  cc: Mailbox[];
  /** Delivered-To / X-Original-To: where the MTA delivered it. */
  deliveredTo: string[];
  date?: number;
  inReplyTo: string[];
  references: string[];
  text: string;
  html?: string;
  attachments: StoredPart[];
  dropped: { filename: string; reason: string }[];
  /** Body of a message/delivery-status part (bounces). */
  deliveryStatus?: string;
  /** Header block of a returned message (bounces). */
  returnedHeaders?: string;
}

export interface ParseLimits {
  maxAttachmentBytes: number;
  maxAttachments: number;
  maxMimeParts: number;
}

const CAPTURE_BYTES = 64 * 1024;

// mailparser (iconv-lite's code pages, html-to-text, linkify) costs ~10 MB of
// memory once imported: it is loaded with the first mail, not at boot.
let mailparser: Promise<typeof import('mailparser')> | undefined;

/** Parses the message `open` returns; it is opened once the parser is loaded, so its errors always have a listener. */
export async function parseEmail(open: () => Readable, store: AttachmentStore, limits: ParseLimits): Promise<ParsedEmail> {
  const { MailParser } = await (mailparser ??= import('mailparser'));
  const source = open();
  const parser = new MailParser({
    keepDeliveryStatus: true,
    skipTextToHtml: true,
    skipImageLinks: true,
    checksumAlgo: false,
    maxHtmlLengthToParse: 2 * 1024 * 1024,
    maxChildNodes: limits.maxMimeParts,
  });
  let headers: Headers = new Map();
  let body: MessageText | undefined;
  const attachments: StoredPart[] = [];
  const dropped: { filename: string; reason: string }[] = [];
  let deliveryStatus: string | undefined;
  let returnedHeaders: string | undefined;
  let work: Promise<void> = Promise.resolve();
  let seen = 0;

  parser.on('headers', (h) => {
    headers = h;
  });
  parser.on('data', (data: AttachmentStream | MessageText) => {
    if (data.type === 'text') {
      body = data;
      return;
    }
    const index = ++seen;
    work = work.then(async () => {
      const filename = attachmentName(data, index);
      const type = (data.contentType || 'application/octet-stream').toLowerCase();
      const capture = type === 'message/delivery-status' || type === 'message/rfc822' || type === 'text/rfc822-headers';
      const captured: Buffer[] = [];
      let capturedBytes = 0;
      if (capture) {
        data.content.on('data', (chunk: Buffer) => {
          if (capturedBytes < CAPTURE_BYTES) captured.push(chunk.subarray(0, CAPTURE_BYTES - capturedBytes));
          capturedBytes += chunk.length;
        });
      }
      const { body: content, drained } = drainSafe(data.content);
      try {
        if (attachments.length >= limits.maxAttachments) {
          content.destroy();
          dropped.push({ filename, reason: `more than ${limits.maxAttachments} attachments` });
        } else {
          try {
            const stored = await store.put(content, limits.maxAttachmentBytes);
            attachments.push({
              sha256: stored.sha256,
              filename,
              contentType: type.slice(0, 200),
              size: stored.size,
              contentId: data.cid ? data.cid.slice(0, 300) : undefined,
              inline: data.contentDisposition === 'inline' || Boolean(data.related && data.cid && data.contentDisposition !== 'attachment'),
            });
          } catch (error) {
            if (!(error instanceof TooLargeError)) throw error;
            dropped.push({ filename, reason: `larger than ${limits.maxAttachmentBytes} bytes` });
          }
        }
        await drained;
      } finally {
        data.release?.();
      }
      if (capture) {
        const text = Buffer.concat(captured).toString('utf8');
        if (type === 'message/delivery-status') deliveryStatus ??= text;
        else returnedHeaders ??= text;
      }
    });
    // A failure is reported through `work` at the end; keep the parser moving.
    work.catch(() => {
      data.content.resume();
      data.release?.();
    });
  });

  return new Promise<ParsedEmail>((resolve, reject) => {
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      source.unpipe(parser);
      source.destroy();
      reject(error);
    };
    parser.once('error', fail);
    source.once('error', fail);
    parser.once('end', () => {
      work.then(() => {
        if (failed) return;
        resolve(assemble(parser, headers, body, attachments, dropped, deliveryStatus, returnedHeaders));
      }, fail);
    });
    source.pipe(parser);
  });
}

function assemble(
  parser: MailParser,
  headers: Headers,
  body: MessageText | undefined,
  attachments: StoredPart[],
  dropped: { filename: string; reason: string }[],
  deliveryStatus: string | undefined,
  returnedHeaders: string | undefined,
): ParsedEmail {
  const date = parser.date instanceof Date && !Number.isNaN(parser.date.getTime()) && headers.has('date') ? parser.date.getTime() : undefined;
  return {
    headers,
    messageId: messageIdOf(parser.messageId),
    subject: (parser.subject ?? '').replace(/\s+/g, ' ').trim(),
    from: mailboxes(parser.from)[0],
    replyTo: mailboxes(parser.replyTo)[0],
    originalSender: plainAddress(headers.get('x-original-sender')),
    to: mailboxes(parser.to),
    cc: mailboxes(parser.cc),
    deliveredTo: [headers.get('delivered-to'), headers.get('x-original-to')]
      .flatMap((v) => (Array.isArray(v) ? v : [v]))
      .map((v) => plainAddress(v))
      .filter((v): v is string => Boolean(v)),
    date,
    inReplyTo: messageIdsIn(parser.inReplyTo),
    references: messageIdsIn(parser.references),
    text: body?.text ?? '',
    html: body?.html || undefined,
    attachments,
    dropped,
    deliveryStatus,
    returnedHeaders,
  };
}

/** Every mailbox of an address header, groups flattened, addresses lowercased. */
function mailboxes(value: AddressObject | AddressObject[] | undefined): Mailbox[] {
  const out: Mailbox[] = [];
  const walk = (entries: EmailAddress[]) => {
    for (const entry of entries) {
      if (entry.group) walk(entry.group);
      else out.push({ address: (entry.address ?? '').trim().toLowerCase(), name: (entry.name ?? '').trim() });
    }
  };
  for (const header of Array.isArray(value) ? value : value ? [value] : []) walk(header.value ?? []);
  return out;
}

/** A header that holds one bare address (X-Original-Sender, Delivered-To...). */
function plainAddress(value: unknown): string | undefined {
  if (typeof value !== 'string') {
    const first = (value as AddressObject | undefined)?.value?.[0]?.address;
    return first ? first.toLowerCase() : undefined;
  }
  const match = /<([^<>\s]+@[^<>\s]+)>/.exec(value) ?? /([^\s<>,;"]+@[^\s<>,;"]+)/.exec(value);
  return match ? match[1]!.toLowerCase() : undefined;
}

const NAMES_BY_TYPE: Record<string, string> = {
  'message/delivery-status': 'delivery-status.txt',
  'message/rfc822': 'message.eml',
  'text/rfc822-headers': 'headers.txt',
  'text/calendar': 'invite.ics',
};

/** A safe file name: the part's own (path and control characters removed) or one made from its type. */
export function attachmentName(part: Pick<AttachmentStream, 'filename' | 'contentType'> & { headers?: Headers }, index: number): string {
  // Outlook sometimes puts `filename=` on Content-Type instead of Content-Disposition.
  const typeParams = (part.headers?.get('content-type') as { params?: Record<string, string> } | undefined)?.params;
  const given = (part.filename || typeParams?.filename || typeParams?.name || '')
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .replace(/[\\/]/g, '_')
    .trim();
  if (given && given !== '.' && given !== '..') {
    if (given.length <= 300) return given;
    const ext = path.extname(given).slice(0, 20);
    return `${given.slice(0, 300 - ext.length)}${ext}`;
  }
  const type = (part.contentType ?? '').toLowerCase();
  if (NAMES_BY_TYPE[type]) return NAMES_BY_TYPE[type]!;
  const subtype = /^[a-z]+\/([a-z0-9.+-]{1,10})$/.exec(type)?.[1]?.replace(/^(x-|vnd\.)/, '');
  return `attachment-${index}${subtype && /^[a-z0-9]+$/.test(subtype) ? `.${subtype === 'jpeg' ? 'jpg' : subtype}` : ''}`;
}
