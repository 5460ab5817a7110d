// Reading a delivery status notification (RFC 3464): who could not be
// reached, whether for good, and which of our messages it is about, so the
// bounce lands on the ticket it belongs to and the address is marked failing.
import { messageIdsIn } from './message-ids.ts';

export interface BounceReport {
  /** Recipients that failed for good (5.x.x / Action: failed), lowercase. */
  permanent: string[];
  /** Recipients still being retried or failing temporarily (4.x.x / delayed). */
  temporary: string[];
  /** Status code and diagnostic of the first failure, for the record. */
  status?: string;
  diagnostic?: string;
  /** Message-IDs of the message that bounced (from the returned copy). */
  originalMessageIds: string[];
}

interface RecipientFields {
  recipient?: string;
  action?: string;
  status?: string;
  diagnostic?: string;
}

/** Parses the `message/delivery-status` body: one field group per recipient. */
export function parseDeliveryStatus(text: string): RecipientFields[] {
  const unfolded = text.replace(/\r\n/g, '\n').replace(/\n[ \t]+/g, ' ');
  const groups = unfolded.split(/\n\s*\n/);
  const recipients: RecipientFields[] = [];
  for (const group of groups) {
    const fields = new Map<string, string>();
    for (const line of group.split('\n')) {
      const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (m) fields.set(m[1]!.toLowerCase(), m[2]!.trim());
    }
    const recipient = fields.get('final-recipient') ?? fields.get('original-recipient');
    if (!recipient) continue;
    recipients.push({
      recipient: addressOfTyped(recipient),
      action: fields.get('action')?.toLowerCase(),
      status: fields.get('status'),
      diagnostic: fields.get('diagnostic-code'),
    });
  }
  return recipients;
}

/** `rfc822; someone@example.com` -> `someone@example.com` */
function addressOfTyped(value: string): string | undefined {
  const address = value.includes(';') ? value.slice(value.indexOf(';') + 1) : value;
  const clean = address.trim().replace(/^<|>$/g, '').toLowerCase();
  return clean.includes('@') ? clean : undefined;
}

/** The Message-ID (and its In-Reply-To/References) in a returned message's header block. */
export function idsFromReturnedHeaders(head: string): string[] {
  const headerBlock = head.replace(/\r\n/g, '\n').split(/\n\n/, 1)[0] ?? '';
  const unfolded = headerBlock.replace(/\n[ \t]+/g, ' ');
  const ids: string[] = [];
  for (const line of unfolded.split('\n')) {
    const m = /^(message-id|in-reply-to|references):\s*(.*)$/i.exec(line);
    if (!m) continue;
    for (const id of messageIdsIn(m[2])) if (!ids.includes(id)) ids.push(id);
  }
  return ids;
}

export function buildBounceReport(input: {
  deliveryStatus?: string;
  failedRecipientsHeader?: string;
  returnedHeaders?: string;
  bodyText: string;
}): BounceReport {
  const permanent = new Set<string>();
  const temporary = new Set<string>();
  let status: string | undefined;
  let diagnostic: string | undefined;
  for (const r of input.deliveryStatus ? parseDeliveryStatus(input.deliveryStatus) : []) {
    if (!r.recipient) continue;
    if (r.action === 'delivered' || r.action === 'relayed' || r.action === 'expanded') continue;
    const transient = r.action === 'delayed' || /^4\./.test(r.status ?? '');
    (transient ? temporary : permanent).add(r.recipient);
    status ??= r.status;
    diagnostic ??= r.diagnostic;
  }
  // Some servers (Gmail) send an empty delivery-status part: fall back to the
  // X-Failed-Recipients header and the enhanced status code in the text.
  if (permanent.size === 0 && temporary.size === 0 && input.failedRecipientsHeader) {
    const code = /\b([245])\.\d{1,3}\.\d{1,3}\b/.exec(input.bodyText)?.[0];
    const target = code?.startsWith('4') ? temporary : permanent;
    for (const part of input.failedRecipientsHeader.split(/[\s,]+/)) {
      const address = part.trim().replace(/^<|>$/g, '').toLowerCase();
      if (address.includes('@')) target.add(address);
    }
    status ??= code;
  }
  return {
    permanent: [...permanent],
    temporary: [...temporary],
    status,
    diagnostic: diagnostic?.slice(0, 500),
    originalMessageIds: input.returnedHeaders ? idsFromReturnedHeaders(input.returnedHeaders) : [],
  };
}
