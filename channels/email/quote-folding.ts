// A reply carries the whole conversation below it. The ticket shows only what
// is new: quoted history and signatures are folded away here (the stored
// original keeps everything). Forwarded content is left alone on purpose: a
// customer forwarding a mail to support wants it read.
import sanitizeHtml from 'sanitize-html';

/** The line we put at the top of every mail we send; replies are cut at it. */
export const REPLY_MARKER = '##- Please type your reply above this line -##';

export interface Folded {
  text: string;
  /** True when something was folded away. */
  folded: boolean;
}

const ATTRIBUTION = [
  /^On\b.{3,300}\bwrote:\s*$/i, // English (Gmail, Apple Mail, Thunderbird)
  /^Le\b.{3,300}\ba écrit\s*:\s*$/i,
  /^Am\b.{3,300}\bschrieb\b.{0,100}:\s*$/i,
  /^El\b.{3,300}\bescribió:\s*$/i,
  /^Il\b.{3,300}\bha scritto:\s*$/i,
  /^Op\b.{3,300}\bschreef\b.{0,100}:\s*$/i,
  /^Em\b.{3,300}\bescreveu:\s*$/i,
];
// Cheap first test, so the long patterns above run only on candidate lines.
const ATTRIBUTION_START = /^(On|Le|Am|El|Il|Op|Em)\b/i;
const ORIGINAL_MESSAGE = /^\s*-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original)\s*-{2,}\s*$/i;
const OUTLOOK_RULE = /^_{20,}\s*$/;
const HEADER_FROM = /^\*?(From|De|Von|Van|Da):\*?\s/;
const HEADER_SENT = /^\*?(Sent|Date|Envoyé|Gesendet|Verzonden|Inviato|Enviado):\*?\s/;
const MOBILE_FOOTER = /^(Sent from my \w+|Sent from (Mail|Outlook) for \w+|Get Outlook for \w+|Envoyé de mon \w+|Von meinem \w+ gesendet)/i;

/** Index of the first line where quoted history starts, or -1. */
function historyStart(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line.includes(REPLY_MARKER)) return i;
    if (ATTRIBUTION_START.test(line)) {
      // Gmail wraps a long attribution over two lines.
      const joined = i + 1 < lines.length ? `${line} ${lines[i + 1]!.trim()}` : line;
      if (ATTRIBUTION.some((re) => re.test(line) || re.test(joined))) return i;
    }
    if (ORIGINAL_MESSAGE.test(line)) return i;
    if (OUTLOOK_RULE.test(line) && lines.slice(i + 1, i + 3).some((l) => HEADER_FROM.test(l.trim()))) return i;
    if (HEADER_FROM.test(line) && lines.slice(i + 1, i + 4).some((l) => HEADER_SENT.test(l.trim())) && i > 0 && lines[i - 1]!.trim() === '') return i;
  }
  return -1;
}

/** Folds quoted history, a trailing quote block and the signature out of plain text. */
export function foldText(input: string): Folded {
  const original = input.replace(/\r\n?/g, '\n');
  let lines = original.split('\n');
  let folded = false;

  const start = historyStart(lines);
  if (start > 0 && lines.slice(0, start).some((l) => l.trim())) {
    lines = lines.slice(0, start);
    folded = true;
  }

  // A trailing block of "> " lines is the quoted message (bottom-posting keeps
  // interleaved answers above it, and those stay).
  let end = lines.length;
  while (end > 0 && (lines[end - 1]!.trim() === '' || lines[end - 1]!.startsWith('>'))) end--;
  if (end < lines.length && lines.slice(end).some((l) => l.startsWith('>')) && end > 0) {
    lines = lines.slice(0, end);
    folded = true;
  }

  // Signature: the last "-- " delimiter (RFC 3676; many clients drop the
  // space) with a short block after it, and mobile footers.
  for (let i = lines.length - 1; i > 0; i--) {
    if (/^--\s?$/.test(lines[i]!) && lines.length - i <= 20 && lines.slice(0, i).some((l) => l.trim())) {
      lines = lines.slice(0, i);
      folded = true;
      break;
    }
  }
  while (lines.length > 1) {
    const last = lines[lines.length - 1]!.trim();
    if (last === '') lines.pop();
    else if (MOBILE_FOOTER.test(last) && lines.slice(0, -1).some((l) => l.trim())) {
      lines.pop();
      folded = true;
    } else break;
  }

  const text = lines.join('\n').replace(/\s+$/, '');
  if (!text.trim()) return { text: original.trim(), folded: false };
  return { text, folded };
}

// Containers mail clients wrap quoted history and signatures in.
function isQuoteContainer(tag: string, attribs: Record<string, string>): boolean {
  const cls = ` ${attribs.class ?? ''} `;
  const id = attribs.id ?? '';
  if (tag === 'blockquote' && (attribs.type === 'cite' || cls.includes(' gmail_quote '))) return true;
  if (tag === 'div' && /\s(gmail_quote|gmail_signature|moz-cite-prefix|yahoo_quoted|protonmail_quote|zmail_extra)\s/.test(cls)) return true;
  if (attribs['data-smartmail'] === 'gmail_signature') return true;
  if (tag === 'div' && (id === 'divRplyFwdMsg' || id === 'appendonsend' || id === 'mail-editor-reference-message-container')) return true;
  return false;
}

/**
 * Folds quoted history out of HTML. Every tag is kept as it is here: the core
 * sanitises what is stored.
 */
export function foldHtml(html: string): Folded {
  let folded = false;
  let cutAtMarker = html;
  const marker = html.indexOf(REPLY_MARKER);
  if (marker > 0) {
    cutAtMarker = html.slice(0, marker);
    folded = true;
  }
  const out = sanitizeHtml(cutAtMarker, {
    allowedTags: false,
    allowedAttributes: false,
    allowVulnerableTags: true,
    // No judgement on links here either (cid: images must survive).
    allowedSchemes: ['http', 'https', 'mailto', 'tel', 'ftp', 'cid', 'data'],
    exclusiveFilter(frame) {
      if (isQuoteContainer(frame.tag, frame.attribs)) {
        folded = true;
        return true;
      }
      return false;
    },
  });
  const visible = out.replace(/<[^>]*>/g, '').replace(/&nbsp;|\s/g, '');
  if (!visible) return { text: html, folded: false };
  return { text: out, folded };
}
