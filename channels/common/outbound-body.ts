// The markdown a chat channel sends for an outbound message, before it is
// converted to the platform's own format: an agent's name on their replies
// (the bot user is shared, so customers see who is talking), the text, and
// the cited articles.
import type { OutboundMessage } from '../../core/index.ts';
import { withCitations } from './citations.ts';

export function messageMarkdown(message: OutboundMessage, note = ''): string {
  const body = withCitations(message) + note;
  if (message.authorType !== 'agent' || !message.authorName) return body;
  const name = message.authorName.replace(/[*_~`[\]\n]/g, '').trim();
  return name ? `**${name}**\n${body}` : body;
}

/** Inbound text for a message whose files could not be received, so it still says something. */
export function textWithSkippedFiles(text: string, skipped: { filename: string }[], received: number): string {
  if (text.trim() || received > 0 || skipped.length === 0) return text;
  return `(shared ${skipped.map((s) => `"${s.filename}"`).join(', ')}, which could not be received)`;
}
