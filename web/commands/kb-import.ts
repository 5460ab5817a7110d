// `parley kb:import <path>`: imports a folder of markdown files (front
// matter: title, category, tags, slug, status), one .md file, or a .jsonl
// file of {"id","title","body","category"?} lines. Changed articles are
// updated and only their changed passages embedded again.
import { parseArgs } from 'node:util';
import { readArticles } from '../../knowledge/index.ts';
import type { Command } from '../cli.ts';
import { progressReporter, withKnowledge } from './kb-shared.ts';

export const kbImport: Command = {
  name: 'kb:import',
  summary: 'Import knowledge-base articles from a folder of markdown files or a .jsonl file.',
  usage: 'parley kb:import <folder | file.md | file.jsonl> [--json]',
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true });
    if (positionals.length !== 1) {
      io.stderr.write(`Usage: ${this.usage}\n`);
      return 2;
    }
    // Read and validate everything before touching the database.
    const articles = readArticles(positionals[0]);
    return withKnowledge(io, async (kb) => {
      const progress = progressReporter(io, (done, total) => `imported ${done}/${total} articles`);
      const result = await kb.import(articles, { onProgress: (p) => progress(p.done, p.total) });
      const summary = {
        articles: result.total,
        created: result.created,
        updated: result.updated,
        unchanged: result.unchanged,
        chunksEmbedded: result.chunksEmbedded,
        chunksReused: result.chunksReused,
        embeddingModel: kb.embeddingModel,
      };
      if (values.json) io.stdout.write(`${JSON.stringify(summary)}\n`);
      else
        io.stdout.write(
          `${result.total} articles: ${result.created} new, ${result.updated} changed, ${result.unchanged} unchanged; ` +
            `${result.chunksEmbedded} passages embedded, ${result.chunksReused} kept (${kb.embeddingModel})\n`,
        );
      return 0;
    });
  },
};
