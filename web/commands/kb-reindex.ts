// `parley kb:reindex`: embeds every passage again with the configured model
// and rebuilds the indexes (after changing the model behind a name, or to
// start from a clean slate). The running service catches up on its own.
import { parseArgs } from 'node:util';
import type { Command } from '../cli.ts';
import { progressReporter, withKnowledge } from './kb-shared.ts';

export const kbReindex: Command = {
  name: 'kb:reindex',
  summary: 'Embed every article passage again with the configured model and rebuild the search indexes.',
  usage: 'parley kb:reindex [--json]',
  async run(args, io) {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean' } } });
    return withKnowledge(io, async (kb) => {
      const progress = progressReporter(io, (done, total) => `embedded ${done}/${total} passages`);
      const status = await kb.reindex(progress);
      const summary = { chunks: status.chunks, articles: status.articles, embeddingModel: status.embeddingModel, dimensions: status.dimensions, reembedded: status.reembedded };
      if (values.json) io.stdout.write(`${JSON.stringify(summary)}\n`);
      else io.stdout.write(`${status.reembedded} passages of ${status.articles} articles embedded with ${status.embeddingModel}; indexes rebuilt\n`);
      return 0;
    });
  },
};
