// Markdown as plain text, block by block: what passages, summaries and the
// extractive answer show. Uses marked's lexer, so nested emphasis, links and
// lists come out as the words a reader sees.
import { Lexer, type Token, type Tokens } from 'marked';

export interface Block {
  kind: 'heading' | 'paragraph' | 'list' | 'code' | 'quote' | 'table';
  /** Plain text; list items on their own lines with "1." or "-" markers. */
  text: string;
  /** Heading depth (1-6) for headings. */
  depth?: number;
}

function inlineText(tokens: Token[] | undefined, fallback = ''): string {
  if (!tokens) return decodeEntities(fallback);
  let out = '';
  for (const token of tokens) {
    switch (token.type) {
      case 'br':
        out += '\n';
        break;
      case 'image':
        out += (token as Tokens.Image).text ?? '';
        break;
      case 'html':
        break;
      case 'codespan':
        out += decodeEntities((token as Tokens.Codespan).text);
        break;
      default: {
        const t = token as Token & { tokens?: Token[]; text?: string };
        out += t.tokens ? inlineText(t.tokens) : decodeEntities(t.text ?? t.raw ?? '');
      }
    }
  }
  return out;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function listText(list: Tokens.List, indent = ''): string {
  const start = typeof list.start === 'number' ? list.start : 1;
  return list.items
    .map((item, i) => {
      const marker = list.ordered ? `${start + i}.` : '-';
      const parts: string[] = [];
      for (const child of item.tokens) {
        if (child.type === 'list') parts.push(`\n${listText(child as Tokens.List, `${indent}   `)}`);
        else {
          const c = child as Token & { tokens?: Token[]; text?: string };
          parts.push(inlineText(c.tokens, c.text ?? ''));
        }
      }
      return `${indent}${marker} ${parts.join(' ').replace(/ \n/g, '\n').trim()}`;
    })
    .join('\n');
}

/** The blocks of a markdown text, in order, as plain text. */
export function markdownBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const walk = (tokens: Token[]) => {
    for (const token of tokens) {
      switch (token.type) {
        case 'heading': {
          const h = token as Tokens.Heading;
          blocks.push({ kind: 'heading', text: inlineText(h.tokens, h.text).trim(), depth: h.depth });
          break;
        }
        case 'paragraph':
        case 'text': {
          const p = token as Tokens.Paragraph;
          const text = inlineText(p.tokens, p.text).trim();
          if (text) blocks.push({ kind: 'paragraph', text });
          break;
        }
        case 'list':
          blocks.push({ kind: 'list', text: listText(token as Tokens.List) });
          break;
        case 'code':
          blocks.push({ kind: 'code', text: (token as Tokens.Code).text });
          break;
        case 'blockquote':
          walk((token as Tokens.Blockquote).tokens);
          break;
        case 'table': {
          const table = token as Tokens.Table;
          const row = (cells: Tokens.TableCell[]) => cells.map((c) => inlineText(c.tokens, c.text).trim()).join(' | ');
          blocks.push({ kind: 'table', text: [row(table.header), ...table.rows.map(row)].join('\n') });
          break;
        }
        default:
          break; // space, hr, html
      }
    }
  };
  walk(new Lexer().lex(markdown));
  return blocks;
}

/** The whole text without markup, blocks separated by blank lines. */
export function plainText(markdown: string): string {
  return markdownBlocks(markdown)
    .map((b) => b.text)
    .join('\n\n');
}

/** First paragraph as plain text, cut at a word boundary: listings and related-article queries. */
export function summarize(markdown: string, maxChars = 240): string {
  const first = markdownBlocks(markdown).find((b) => b.kind === 'paragraph')?.text ?? plainText(markdown);
  const flat = first.replace(/\s+/g, ' ').trim();
  if (flat.length <= maxChars) return flat;
  const cut = flat.slice(0, maxChars);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), maxChars / 2)).replace(/[,;:.\s]+$/, '')}…`;
}

/** The text without markup on one line, cut at a word boundary. */
export function plainTextExcerpt(markdown: string, maxChars = 200): string {
  const flat = plainText(markdown).replace(/\s+/g, ' ').trim();
  if (flat.length <= maxChars) return flat;
  return `${flat.slice(0, maxChars).replace(/\s+\S*$/, '')}…`;
}
