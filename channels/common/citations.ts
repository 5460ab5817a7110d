// Bot answers cite knowledge-base articles: the text carries numbered markers
// ("[1]") and `citations[i]` is marker i+1. Before a channel converts the
// markdown to its own format, the markers become links to their articles and
// a numbered source list is appended, so every platform shows the same thing.
import type { Citation, OutboundMessage } from '../../core/index.ts';

/** The markdown to send for an outbound message: its text plus its sources. */
export function withCitations(message: Pick<OutboundMessage, 'text' | 'citations' | 'meta'>): string {
  const citations = message.citations.filter((c) => c && typeof c.url === 'string' && /^https?:/i.test(c.url));
  if (!citations.length) return message.text;
  const linked = linkMarkers(message.text, citations);
  const heading = message.meta?.handoff ? 'Articles that may help' : 'Sources';
  const list = citations.map((c, i) => `${i + 1}. [${linkLabel(c.title)}](${c.url})`).join('\n');
  return `${linked}\n\n**${heading}**\n\n${list}`;
}

/** "[2]" becomes a link to the second citation; other brackets stay as they are. */
export function linkMarkers(text: string, citations: Citation[]): string {
  // Not inside code and not already a link ("[2](...)" or "[2][ref]").
  return text
    .split(/(```[\s\S]*?```|`[^`\n]*`)/)
    .map((piece, i) =>
      i % 2 === 1
        ? piece
        : piece.replace(/\[(\d{1,2})\](?![([])/g, (whole, n: string) => {
            const citation = citations[Number(n) - 1];
            return citation ? `[[${n}]](${citation.url})` : whole;
          }),
    )
    .join('');
}

function linkLabel(title: string): string {
  const clean = (title || 'Article').replace(/[[\]\s]+/g, ' ').trim();
  return clean.length > 150 ? `${clean.slice(0, 147)}...` : clean;
}
