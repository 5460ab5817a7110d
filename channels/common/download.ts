// Fetches a file a customer shared on a platform into the attachment store.
// Only from the platform's own file hosts (a message cannot make us fetch,
// or hand our bot token to, an arbitrary URL), never more than the size
// limit (checked from Content-Length first, then while streaming), and with a
// timeout so a slow file cannot hold an acknowledgement past the platform's
// deadline.
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { TooLargeError, type AttachmentStore, type InboundAttachment } from '../../core/index.ts';

export interface FileRequest {
  url: string;
  filename: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface DownloadPolicy {
  /**
   * Where files may come from: "https://files.slack.com" (an exact origin) or
   * ".discordapp.com" (any https host under that domain).
   */
  allowed: string[];
  maxBytes: number;
  timeoutMs?: number;
}

export type DownloadResult = { ok: true; attachment: InboundAttachment } | { ok: false; filename: string; reason: string };

export function isAllowedUrl(raw: string, allowed: string[]): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  return allowed.some((rule) =>
    rule.startsWith('.')
      ? url.protocol === 'https:' && (url.hostname.endsWith(rule) || url.hostname === rule.slice(1))
      : sameOrigin(url, rule),
  );
}

function sameOrigin(url: URL, rule: string): boolean {
  try {
    return new URL(rule).origin === url.origin;
  } catch {
    return false;
  }
}

export async function downloadFile(store: AttachmentStore, file: FileRequest, policy: DownloadPolicy): Promise<DownloadResult> {
  const filename = cleanFilename(file.filename);
  const skip = (reason: string): DownloadResult => ({ ok: false, filename, reason });
  if (!isAllowedUrl(file.url, policy.allowed)) return skip('not a platform file URL');
  try {
    const response = await fetch(file.url, {
      headers: file.headers,
      redirect: 'follow',
      signal: AbortSignal.timeout(policy.timeoutMs ?? 20_000),
    });
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      return skip(`download failed with HTTP ${response.status}`);
    }
    if (response.url && !isAllowedUrl(response.url, policy.allowed)) {
      await response.body.cancel();
      return skip('redirected away from the platform');
    }
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > policy.maxBytes) {
      await response.body.cancel();
      return skip(`larger than ${policy.maxBytes} bytes`);
    }
    const stored = await store.put(Readable.fromWeb(response.body as unknown as WebReadableStream), policy.maxBytes);
    const contentType = cleanContentType(file.contentType ?? response.headers.get('content-type'));
    return { ok: true, attachment: { sha256: stored.sha256, size: stored.size, filename, contentType } };
  } catch (error) {
    if (error instanceof TooLargeError) return skip(`larger than ${policy.maxBytes} bytes`);
    return skip(error instanceof Error ? error.message : String(error));
  }
}

/** Downloads several files; those that fail are reported, not fatal. */
export async function downloadFiles(
  store: AttachmentStore,
  files: FileRequest[],
  policy: DownloadPolicy,
): Promise<{ attachments: InboundAttachment[]; skipped: { filename: string; reason: string }[] }> {
  const attachments: InboundAttachment[] = [];
  const skipped: { filename: string; reason: string }[] = [];
  for (const file of files.slice(0, 20)) {
    const result = await downloadFile(store, file, policy);
    if (result.ok) attachments.push(result.attachment);
    else skipped.push({ filename: result.filename, reason: result.reason });
  }
  return { attachments, skipped };
}

function cleanFilename(name: string): string {
  const base = (name || 'file').replace(/[\\/]/g, '_').replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return (base || 'file').slice(0, 300);
}

function cleanContentType(value: string | null | undefined): string {
  const type = (value ?? '').split(';')[0]!.trim().toLowerCase();
  return /^[a-z0-9.+-]+\/[a-z0-9.+-]+$/.test(type) ? type.slice(0, 200) : 'application/octet-stream';
}
