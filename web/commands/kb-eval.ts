// `parley kb:eval`: retrieval quality on a labelled set. Builds a fresh,
// temporary knowledge base (its own SQLite file and index folder, whatever
// DATABASE_URL and DATA_DIR say), imports the articles, runs every query and
// prints recall@1/5/10, MRR and search latency. Embedding settings come from
// the environment, so a configured model can be compared with the offline one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { migrate, openDatabase } from '../../knexfile.ts';
import { systemClock } from '../../core/index.ts';
import { evaluate, readArticles, readEvalQueries, slugify } from '../../knowledge/index.ts';
import type { Command } from '../cli.ts';
import { loadConfig } from '../config.ts';
import { openKnowledge, parseKnowledgeEnv } from '../features/knowledge.ts';
import { createLogger } from '../logger.ts';
import { progressReporter } from './kb-shared.ts';

export const kbEval: Command = {
  name: 'kb:eval',
  summary: 'Measure retrieval (recall@1/5/10, MRR, latency) on labelled queries, in a temporary knowledge base.',
  usage: 'parley kb:eval --articles <articles.jsonl> --queries <queries.jsonl> [--k 10] [--json]',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { articles: { type: 'string' }, queries: { type: 'string' }, k: { type: 'string', default: '10' }, json: { type: 'boolean' } },
    });
    const k = Number(values.k);
    if (!values.articles || !values.queries || !Number.isInteger(k) || k < 1 || k > 100) {
      io.stderr.write(`Usage: ${this.usage}\n`);
      return 2;
    }
    const articles = readArticles(values.articles);
    const queries = readEvalQueries(values.queries);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-kb-eval-'));
    // Only the knowledge settings come from the environment: never the user's database or data folder.
    const config = loadConfig({ ...io.env, DATABASE_URL: '', DATA_DIR: dir });
    const env = parseKnowledgeEnv(io.env);
    const logger = createLogger({ ...config.log, level: io.env.LOG_LEVEL ? config.log.level : 'warn' }, io.stderr);
    const db = await openDatabase({ sqliteFile: path.join(dir, 'eval.db') });
    try {
      await migrate(db);
      const kb = await openKnowledge({ env, config, db, logger, clock: systemClock });
      try {
        const progress = progressReporter(io, (done, total) => `indexed ${done}/${total} articles`);
        await kb.import(articles, { onProgress: (p) => progress(p.done, p.total) });
        const report = await evaluate(kb, queries, { k, slugOf: slugify });
        if (values.json) io.stdout.write(`${JSON.stringify(report)}\n`);
        else for (const [name, value] of Object.entries(report)) io.stdout.write(`${name.padEnd(10)} ${value}\n`);
      } finally {
        await kb.close();
      }
    } finally {
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    return 0;
  },
};
