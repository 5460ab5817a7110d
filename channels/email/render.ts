// What one outgoing mail says: subject with the [#N] token, a plain-text and
// an HTML part built from the same pieces, and the extras each purpose needs
// (citations for bot answers, rating links for the survey). Every string
// that came from a person or the knowledge base is escaped in the HTML part.
import type { Citation, OutboundMessage } from '../../core/index.ts';
import { REPLY_MARKER } from './quote-folding.ts';

export interface RenderContext {
  /** This is the first mail of the ticket: it doubles as the acknowledgement. */
  first: boolean;
  /** Display name of the support desk ("Parley Support"). */
  deskName: string;
  /** Base for relative links (citations) and survey pages. */
  publicUrl: string;
  /** Survey links by score 1..5, when this mail carries the survey. */
  surveyLinks?: { score: number; url: string }[];
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const SURVEY_LABELS: Record<number, string> = { 1: 'Very poor', 2: 'Poor', 3: 'Okay', 4: 'Good', 5: 'Great' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** `Re: <subject> [#N]`, with old prefixes and tokens removed so they do not pile up. */
export function subjectFor(ticketSubject: string, ticketNumber: number): string {
  let base = ticketSubject.replace(/\s*\[#\d{1,9}\]\s*/g, ' ').trim();
  while (/^(re|aw|sv|fw|fwd|wg)\s*:\s*/i.test(base)) base = base.replace(/^(re|aw|sv|fw|fwd|wg)\s*:\s*/i, '');
  return `Re: ${base || 'Your request'} [#${ticketNumber}]`;
}

function absolute(url: string, publicUrl: string): string {
  if (/^https?:\/\//i.test(url)) return url;
  return `${publicUrl}${url.startsWith('/') ? '' : '/'}${url}`;
}

function isConfidentAnswer(outbound: OutboundMessage): boolean {
  if (outbound.purpose !== 'answer') return false;
  return !outbound.meta.handoff;
}

/** Plain text to HTML: paragraphs, line breaks, and http(s) links made clickable. */
export function textToHtml(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${linkify(paragraph).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}

function linkify(text: string): string {
  const out: string[] = [];
  let last = 0;
  for (const match of text.matchAll(/https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g)) {
    out.push(escapeHtml(text.slice(last, match.index)));
    const url = escapeHtml(match[0]);
    out.push(`<a href="${url}">${url}</a>`);
    last = match.index! + match[0].length;
  }
  out.push(escapeHtml(text.slice(last)));
  return out.join('');
}

export function renderMail(outbound: OutboundMessage, ctx: RenderContext): RenderedMail {
  const number = outbound.ticketNumber;
  const intro: string[] = [];
  if (ctx.first) {
    intro.push(`We have received your request; its reference is [#${number}].`);
    if (isConfidentAnswer(outbound)) intro.push('Here is an answer from our help centre that we hope solves it:');
  }
  // A confident answer cites its sources; a hand-off may suggest articles.
  const citations: Citation[] = outbound.purpose === 'answer' ? outbound.citations : [];
  const footer = `Reply to this email to add to request [#${number}].`;

  const text = [
    REPLY_MARKER,
    '',
    ...(intro.length ? [intro.join(' '), ''] : []),
    outbound.text.trim(),
    ...(citations.length
      ? ['', isConfidentAnswer(outbound) ? 'Sources:' : 'Articles that may help:', ...citations.map((c, i) => `[${i + 1}] ${c.title}: ${absolute(c.url, ctx.publicUrl)}`)]
      : []),
    ...(ctx.surveyLinks?.length
      ? ['', 'How did we do? Choose a rating:', ...ctx.surveyLinks.map((l) => `  ${l.score} - ${SURVEY_LABELS[l.score] ?? ''}: ${l.url}`)]
      : []),
    '',
    '-- ',
    outbound.authorName ? `${outbound.authorName}, ${ctx.deskName}` : ctx.deskName,
    footer,
    '',
  ].join('\n');

  const bodyHtml = outbound.html ?? textToHtml(outbound.text.trim());
  const html = [
    '<!doctype html>',
    '<html><head><meta charset="utf-8"></head>',
    '<body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1f2328">',
    `<div style="color:#8c959f;font-size:12px">${escapeHtml(REPLY_MARKER)}</div>`,
    ...(intro.length ? [`<p>${escapeHtml(intro.join(' '))}</p>`] : []),
    `<div>${bodyHtml}</div>`,
    ...(citations.length
      ? [
          `<p style="margin-bottom:4px"><strong>${isConfidentAnswer(outbound) ? 'Sources' : 'Articles that may help'}</strong></p><ol style="margin-top:0">`,
          ...citations.map((c) => `<li><a href="${escapeHtml(absolute(c.url, ctx.publicUrl))}">${escapeHtml(c.title)}</a></li>`),
          '</ol>',
        ]
      : []),
    ...(ctx.surveyLinks?.length
      ? [
          '<p><strong>How did we do?</strong></p><p>',
          ...ctx.surveyLinks.map(
            (l) =>
              `<a href="${escapeHtml(l.url)}" style="display:inline-block;margin:0 6px 6px 0;padding:8px 12px;border:1px solid #d0d7de;border-radius:6px;text-decoration:none;color:#1f2328">${l.score} &middot; ${escapeHtml(SURVEY_LABELS[l.score] ?? '')}</a>`,
          ),
          '</p>',
        ]
      : []),
    '<hr style="border:none;border-top:1px solid #d0d7de">',
    `<p style="color:#57606a;font-size:13px">${escapeHtml(outbound.authorName ? `${outbound.authorName}, ${ctx.deskName}` : ctx.deskName)}<br>${escapeHtml(footer)}</p>`,
    '</body></html>',
  ].join('\n');

  return { subject: subjectFor(outbound.subject, number), text, html };
}
