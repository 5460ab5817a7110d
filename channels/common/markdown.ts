// Converts the markdown our messages are written in (bot answers, agent
// replies) to what each chat platform renders: Slack's mrkdwn, and the
// CommonMark subsets of Discord and Teams. One walk over marked's tokens, with
// a flavour deciding how each construct is written. Raw HTML is dropped (no
// platform renders it from a bot) and images become links (bots cannot inline
// a remote image in message text).
import { marked, type Token, type Tokens } from 'marked';

export interface Flavor {
  text(s: string): string;
  strong(s: string): string;
  em(s: string): string;
  del(s: string): string;
  code(s: string): string;
  link(href: string, label: string): string;
  heading(s: string, depth: number): string;
  codeBlock(code: string, lang: string): string;
  bullet: string;
}

/** Slack mrkdwn: &, < and > escaped; *bold*, _italic_, ~strike~, <url|label>. */
export const slackFlavor: Flavor = {
  text: escapeSlack,
  strong: (s) => wrap(s, '*'),
  em: (s) => wrap(s, '_'),
  del: (s) => wrap(s, '~'),
  code: (s) => `\`${escapeSlack(s.replace(/`/g, "'"))}\``,
  link: (href, label) => {
    const clean = label.replace(/[|>]/g, ' ').trim();
    return clean && clean !== escapeSlack(href) ? `<${escapeSlack(href)}|${clean}>` : `<${escapeSlack(href)}>`;
  },
  heading: (s) => wrap(s, '*'),
  codeBlock: (code) => `\`\`\`\n${escapeSlack(code)}\n\`\`\``,
  bullet: '•',
};

/** Discord's markdown: CommonMark minus tables and images, headings up to ###. */
export const discordFlavor: Flavor = {
  text: escapeCommonMark,
  strong: (s) => wrap(s, '**'),
  em: (s) => wrap(s, '*'),
  del: (s) => wrap(s, '~~'),
  code: (s) => codeSpan(s),
  // Brackets inside a label stay only when escaped ("\[1\]" for a citation marker).
  link: (href, label) => (label && label !== href ? `[${label.replace(/(?<!\\)[[\]]/g, '')}](${angleIfNeeded(href)})` : `<${href}>`),
  heading: (s, depth) => (depth <= 3 ? `${'#'.repeat(depth)} ${s}` : wrap(s, '**')),
  codeBlock: (code, lang) => `\`\`\`${lang}\n${code}\n\`\`\``,
  bullet: '-',
};

/**
 * Teams renders a CommonMark subset in message text (textFormat "markdown")
 * but shows backslash escapes literally, so text goes out as written.
 */
export const teamsFlavor: Flavor = {
  ...discordFlavor,
  text: (s) => s,
  // Teams has no escapes, so a citation marker's brackets become parentheses.
  link: (href, label) => `[${(label || href).replace(/^\[(\d+)\]$/, '($1)').replace(/[[\]]/g, '')}](${angleIfNeeded(href)})`,
};

export function toSlackMrkdwn(markdown: string): string {
  return render(markdown, slackFlavor);
}

export function toDiscordMarkdown(markdown: string): string {
  return render(markdown, discordFlavor);
}

export function toTeamsMarkdown(markdown: string): string {
  return render(markdown, teamsFlavor);
}

export function render(markdown: string, flavor: Flavor): string {
  const tokens = marked.lexer(markdown, { gfm: true });
  return blocks(tokens, flavor, '').replace(/\n{3,}/g, '\n\n').trim();
}

function blocks(tokens: Token[], f: Flavor, indent: string): string {
  const out: string[] = [];
  for (const token of tokens) {
    const text = block(token, f, indent);
    if (text !== '') out.push(text);
  }
  return out.join('\n\n');
}

function block(token: Token, f: Flavor, indent: string): string {
  switch (token.type) {
    case 'space':
      return '';
    case 'paragraph':
      return inline((token as Tokens.Paragraph).tokens, f);
    case 'text': {
      const t = token as Tokens.Text;
      return t.tokens ? inline(t.tokens, f) : f.text(t.text);
    }
    case 'heading': {
      const h = token as Tokens.Heading;
      return f.heading(inline(h.tokens, f), h.depth);
    }
    case 'code': {
      const c = token as Tokens.Code;
      return f.codeBlock(c.text, (c.lang ?? '').split(/\s/)[0] ?? '');
    }
    case 'blockquote':
      return blocks((token as Tokens.Blockquote).tokens, f, '')
        .split('\n')
        .map((line) => `> ${line}`)
        .join('\n');
    case 'list':
      return list(token as Tokens.List, f, indent);
    case 'hr':
      return '───';
    case 'table':
      return table(token as Tokens.Table, f);
    case 'html':
      return f.text(stripTags((token as Tokens.HTML).text).trim());
    default:
      return 'tokens' in token && Array.isArray(token.tokens) ? inline(token.tokens as Token[], f) : f.text(token.raw ?? '');
  }
}

function list(token: Tokens.List, f: Flavor, indent: string): string {
  const start = typeof token.start === 'number' ? token.start : 1;
  return token.items
    .map((item, i) => {
      const marker = token.ordered ? `${start + i}.` : f.bullet;
      const check = item.task ? (item.checked ? '☑ ' : '☐ ') : '';
      const nested = `${indent}    `;
      const body = item.tokens
        .map((t) => (t.type === 'list' ? list(t as Tokens.List, f, nested) : block(t, f, nested)))
        .filter(Boolean)
        .join(item.loose ? '\n\n' : '\n')
        .replace(/\n(?!\n)(?! {4})/g, `\n${nested}`)
      return `${indent}${marker} ${check}${body}`;
    })
    .join('\n');
}

function table(token: Tokens.Table, f: Flavor): string {
  const plain = (cell: Tokens.TableCell) => plainText(cell.tokens);
  const rows = [token.header.map(plain), ...token.rows.map((r) => r.map(plain))];
  return f.codeBlock(rows.map((r) => r.join(' | ')).join('\n'), '');
}

function inline(tokens: Token[], f: Flavor): string {
  return tokens.map((t) => inlineToken(t, f)).join('');
}

function inlineToken(token: Token, f: Flavor): string {
  switch (token.type) {
    case 'text': {
      const t = token as Tokens.Text;
      return t.tokens ? inline(t.tokens, f) : f.text(t.text);
    }
    case 'escape':
      return f.text((token as Tokens.Escape).text);
    case 'strong':
      return f.strong(inline((token as Tokens.Strong).tokens, f));
    case 'em':
      return f.em(inline((token as Tokens.Em).tokens, f));
    case 'del':
      return f.del(inline((token as Tokens.Del).tokens, f));
    case 'codespan':
      return f.code((token as Tokens.Codespan).text);
    case 'br':
      return '\n';
    case 'link': {
      const l = token as Tokens.Link;
      return safeHref(l.href) ? f.link(l.href, inline(l.tokens, f)) : inline(l.tokens, f);
    }
    case 'image': {
      const i = token as Tokens.Image;
      return safeHref(i.href) ? f.link(i.href, f.text(i.text || 'image')) : f.text(i.text);
    }
    case 'html':
      return '';
    default:
      return 'tokens' in token && Array.isArray(token.tokens) ? inline(token.tokens as Token[], f) : f.text(token.raw ?? '');
  }
}

/** The words of some tokens without any formatting. */
function plainText(tokens: Token[]): string {
  return tokens
    .map((t) => ('tokens' in t && Array.isArray(t.tokens) ? plainText(t.tokens as Token[]) : t.type === 'html' ? '' : 'text' in t ? String(t.text) : ''))
    .join('');
}

function safeHref(href: string): boolean {
  return /^(https?:|mailto:)/i.test(href);
}

function wrap(s: string, marker: string): string {
  const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(s)!;
  return m[2] ? `${m[1]}${marker}${m[2]}${marker}${m[3]}` : s;
}

function escapeSlack(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Keeps characters that were literal in the source literal in the output. */
function escapeCommonMark(s: string): string {
  return s.replace(/([\\`*_~[\]<>|])/g, '\\$1');
}

function codeSpan(s: string): string {
  const longest = Math.max(0, ...(s.match(/`+/g) ?? []).map((r) => r.length));
  const ticks = '`'.repeat(longest + 1);
  return longest ? `${ticks} ${s} ${ticks}` : `${ticks}${s}${ticks}`;
}

function angleIfNeeded(href: string): string {
  return /[\s()<>]/.test(href) ? `<${href.replace(/[<>]/g, encodeURIComponent)}>` : href;
}

function stripTags(html: string): string {
  return html.replace(/<[^>]*>/g, '');
}
