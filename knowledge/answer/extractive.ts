// The offline answer: no model writes anything, so the reply is the part of
// the best article that addresses the question, quoted as the reader would
// see it (steps stay steps), framed by the article's title and link. Picks the
// block (or pair of blocks) of the best passages that shares the most terms
// with the question, counting the heading of its section.
import { markdownBlocks, type Block } from '../text/markdown.ts';
import { terms } from '../text/tokens.ts';
import type { SearchHit } from '../types.ts';

const MAX_EXCERPT = 700;

export function extractiveAnswer(question: string, top: SearchHit, also?: SearchHit): string {
  const excerpt = bestExcerpt(question, top);
  const lines = [`Here's what our help article "${top.article.title}" says:`, '', excerpt, '', `Full article: ${top.article.url}`];
  if (also) lines.push(`Also related: "${also.article.title}": ${also.article.url}`);
  return lines.join('\n');
}

export function bestExcerpt(question: string, hit: SearchHit): string {
  const wanted = new Set(terms(question));
  // In article order, so that ties go to what the article says first.
  const blocks = [...hit.passages].sort((a, b) => a.position - b.position).flatMap((p) => markdownBlocks(p.text)).filter((b) => b.kind !== 'code' || b.text.length < 300);
  const matched = (text: string) => new Set(terms(text).filter((t) => wanted.has(t)));

  // Candidates: one block, or a block and the next (a lead-in and its list,
  // two paragraphs of one section). The section heading counts towards the
  // match, so "## Free trial" brings the paragraph under it.
  let best: { blocks: Block[]; score: number } | undefined;
  let heading = '';
  for (let i = 0; i < blocks.length; i++) {
    if (blocks[i].kind === 'heading') {
      heading = blocks[i].text;
      continue;
    }
    for (let n = 1; n <= 2; n++) {
      const window = blocks.slice(i, i + n);
      if (window.length < n || window.some((b) => b.kind === 'heading')) break;
      if (n > 1 && window.reduce((sum, b) => sum + b.text.length, 0) > MAX_EXCERPT * 1.5) break;
      const found = matched(`${heading}\n${window.map((b) => b.text).join('\n')}`);
      // A lead-in without what it leads to reads badly: prefer it with its list.
      const dangling = window[window.length - 1].kind === 'paragraph' && /:\s*$/.test(window[window.length - 1].text) && blocks[i + n]?.kind === 'list';
      const score = found.size - (dangling ? 0.5 : 0);
      // Ties go to the earlier, then the shorter candidate: articles lead with the general answer.
      if (!best || score > best.score) best = { blocks: window, score };
    }
  }
  if (!best) return hit.article.summary;
  return best.blocks.map((b) => (b.kind === 'paragraph' ? trimParagraph(b.text, wanted) : trimList(b.text))).join('\n\n');
}

/** A long paragraph shrinks to its best run of sentences. */
function trimParagraph(text: string, wanted: Set<string>): string {
  const flat = text.replace(/\s*\n\s*/g, ' ').trim();
  if (flat.length <= MAX_EXCERPT) return flat;
  const sentences = flat.split(/(?<=[.!?])\s+(?=["“(A-Z0-9])/);
  let bestStart = 0;
  let bestScore = -1;
  for (let start = 0; start < sentences.length; start++) {
    let s = 0;
    let len = 0;
    for (let j = start; j < sentences.length && len + sentences[j].length <= MAX_EXCERPT; j++) {
      len += sentences[j].length + 1;
      s += terms(sentences[j]).filter((t) => wanted.has(t)).length;
    }
    if (s > bestScore) {
      bestScore = s;
      bestStart = start;
    }
  }
  const out: string[] = [];
  let len = 0;
  for (let j = bestStart; j < sentences.length && len + sentences[j].length <= MAX_EXCERPT; j++) {
    out.push(sentences[j]);
    len += sentences[j].length + 1;
  }
  return out.length ? out.join(' ') : `${flat.slice(0, MAX_EXCERPT - 1).replace(/\s+\S*$/, '')}…`;
}

/** Lists keep their steps; a very long one is cut after the step that fits. */
function trimList(text: string): string {
  if (text.length <= MAX_EXCERPT * 1.5) return text;
  const items = text.split('\n');
  const out: string[] = [];
  let len = 0;
  for (const item of items) {
    if (len + item.length > MAX_EXCERPT * 1.5 && out.length) break;
    out.push(item);
    len += item.length + 1;
  }
  return `${out.join('\n')}\n…`;
}
