// `parley kb:search "<query>"`: what the bot and the portal would find.
import { parseArgs } from 'node:util';
import { plainTextExcerpt } from '../../knowledge/index.ts';
import type { Command } from '../cli.ts';
import { withKnowledge } from './kb-shared.ts';

export const kbSearch: Command = {
  name: 'kb:search',
  summary: 'Search the knowledge base (hybrid: vectors + BM25) and show the best articles and passages.',
  usage: 'parley kb:search "<query>" [--limit N] [--json]',
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' }, limit: { type: 'string', default: '5' } }, allowPositionals: true });
    const limit = Number(values.limit);
    if (positionals.length === 0 || !Number.isInteger(limit) || limit < 1 || limit > 100) {
      io.stderr.write(`Usage: ${this.usage}\n`);
      return 2;
    }
    const query = positionals.join(' ');
    return withKnowledge(io, async (kb) => {
      const hits = await kb.search(query, { limit });
      if (values.json) {
        const rows = hits.map((h) => ({
          id: h.article.id,
          slug: h.article.slug,
          title: h.article.title,
          url: h.article.url,
          score: Math.round(h.score * 1000) / 1000,
          passages: h.passages.map((p) => p.text),
        }));
        io.stdout.write(`${JSON.stringify(rows)}\n`);
        return 0;
      }
      if (hits.length === 0) io.stdout.write('no articles found\n');
      hits.forEach((h, i) => {
        io.stdout.write(`${i + 1}. ${h.article.title}  (score ${h.score.toFixed(2)})\n   ${h.article.url}\n`);
        if (h.passages[0]) io.stdout.write(`   ${plainTextExcerpt(h.passages[0].text, 200)}\n`);
      });
      return 0;
    });
  },
};
