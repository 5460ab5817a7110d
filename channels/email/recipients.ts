// Which addresses are ours: the support mailboxes (with or without a +tag),
// whole support domains, and verified reply+ addresses. The SMTP listener
// refuses every other recipient at RCPT; the pipeline ignores mail that claims
// to come from one of them (our own mail looping back).
import type { EmailSettings } from './settings.ts';
import { ticketFromReplyAddress } from './tokens.ts';

function split(address: string): { local: string; domain: string } | undefined {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return undefined;
  return { local: address.slice(0, at).toLowerCase(), domain: address.slice(at + 1).toLowerCase() };
}

/** A support mailbox or domain (sub-addresses `support+billing@` included). */
export function isSupportAddress(settings: Pick<EmailSettings, 'addresses' | 'domains'>, address: string): boolean {
  const parts = split(address);
  if (!parts) return false;
  if (settings.domains.includes(parts.domain)) return true;
  const base = parts.local.includes('+') ? parts.local.slice(0, parts.local.indexOf('+')) : parts.local;
  return settings.addresses.includes(`${parts.local}@${parts.domain}`) || settings.addresses.includes(`${base}@${parts.domain}`);
}

/** A recipient we accept mail for. */
export function isAcceptedRecipient(
  settings: Pick<EmailSettings, 'addresses' | 'domains' | 'replyDomain'>,
  secret: string,
  address: string,
): boolean {
  if (isSupportAddress(settings, address)) return true;
  return ticketFromReplyAddress(secret, address.toLowerCase(), settings.replyDomain) !== undefined;
}

/** Mail from this address is our own coming back. */
export function isOurAddress(settings: Pick<EmailSettings, 'addresses' | 'domains' | 'replyDomain' | 'from'>, address: string): boolean {
  const a = address.toLowerCase();
  if (a === settings.from.address.toLowerCase()) return true;
  if (settings.addresses.includes(a)) return true;
  return a.startsWith('reply+') && a.endsWith(`@${settings.replyDomain}`);
}
