// Mail written by machines: auto-replies, vacation notices, list traffic and
// delivery status notifications. They are recorded but never answered or
// acknowledged, which is what breaks mail loops between two autoresponders.
import type { Headers } from 'mailparser';

export type AutomaticKind = 'bounce' | 'auto-reply';

export interface AutomaticVerdict {
  kind: AutomaticKind;
  /** Which signal decided it, for the record ("Auto-Submitted: auto-replied"). */
  reason: string;
}

function headerText(headers: Headers, name: string): string | undefined {
  const value = headers.get(name);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
  if (typeof value === 'object' && 'value' in value && typeof (value as any).value === 'string') return (value as any).value;
  if (typeof value === 'object' && 'text' in value) return String((value as any).text);
  return String(value);
}

const BOUNCE_SENDERS = /^(mailer-daemon|postmaster|mail-daemon|mailer_daemon)@/i;

/**
 * Decides from the headers whether a message was sent automatically.
 * `fromAddress` is the parsed From address ('' when it had none).
 */
export function classifyAutomatic(headers: Headers, fromAddress: string, fromName: string): AutomaticVerdict | undefined {
  const contentType = headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const type = contentType?.value?.toLowerCase();
  if (type === 'multipart/report') {
    const report = contentType?.params?.['report-type']?.toLowerCase();
    if (!report || report === 'delivery-status') return { kind: 'bounce', reason: 'multipart/report delivery status notification' };
    // Read receipts (disposition-notification) and other reports are automatic too.
    return { kind: 'auto-reply', reason: `multipart/report (${report})` };
  }
  if (BOUNCE_SENDERS.test(fromAddress)) return { kind: 'bounce', reason: `sender ${fromAddress}` };
  if (!fromAddress && /mail delivery (system|subsystem)/i.test(fromName)) return { kind: 'bounce', reason: 'sender Mail Delivery System' };
  if (headerText(headers, 'x-failed-recipients')) return { kind: 'bounce', reason: 'X-Failed-Recipients' };

  const autoSubmitted = headerText(headers, 'auto-submitted')?.trim().toLowerCase();
  if (autoSubmitted && !autoSubmitted.startsWith('no')) return { kind: 'auto-reply', reason: `Auto-Submitted: ${autoSubmitted}` };
  for (const name of ['X-Autoreply', 'X-Autorespond', 'X-Autoresponder']) {
    const value = headerText(headers, name.toLowerCase())?.trim();
    if (value !== undefined && !/^(no|false|0)$/i.test(value)) return { kind: 'auto-reply', reason: `${name}: ${value}` };
  }
  const precedence = headerText(headers, 'precedence')?.trim().toLowerCase();
  if (precedence && /^(bulk|list|junk|auto_reply)\b/.test(precedence)) return { kind: 'auto-reply', reason: `Precedence: ${precedence}` };
  const loop = headerText(headers, 'x-loop');
  if (loop) return { kind: 'auto-reply', reason: `X-Loop: ${loop.trim()}` };
  const suppress = headerText(headers, 'x-auto-response-suppress');
  if (suppress && !/^none$/i.test(suppress.trim())) return { kind: 'auto-reply', reason: `X-Auto-Response-Suppress: ${suppress.trim()}` };
  return undefined;
}
