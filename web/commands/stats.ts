// `parley stats`: the support figures of the agent dashboard, in the terminal.
import { parseArgs } from 'node:util';
import { openDatabase, migrate } from '../../knexfile.ts';
import { computeStats, type Stats } from '../../core/index.ts';
import type { Command } from '../cli.ts';
import { loadConfig } from '../config.ts';

const pct = (v: number | null) => (v === null ? '-' : `${Math.round(v * 1000) / 10}%`);
const dur = (ms: number | null) => {
  if (ms === null) return '-';
  if (ms < 60_000) return `${Math.round(ms / 1000)}s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)}m`;
  return `${Math.round(ms / 360_000) / 10}h`;
};

export function formatStats(s: Stats): string {
  const lines = [
    `Support figures ${s.period.from.slice(0, 10)} .. ${s.period.to.slice(0, 10)}`,
    `  tickets            ${s.volume.total}  (${Object.entries(s.volume.byChannel).map(([c, n]) => `${c} ${n}`).join(', ') || 'none'})`,
    `  first response     median ${dur(s.firstResponse.medianMs)}, p90 ${dur(s.firstResponse.p90Ms)} (${s.firstResponse.count})`,
    `  resolution         median ${dur(s.resolution.medianMs)}, p90 ${dur(s.resolution.p90Ms)} (${s.resolution.count})`,
    `  CSAT               ${pct(s.csat.overall.score)} of ${s.csat.overall.responses} (bot ${pct(s.csat.bot.score)}, human ${pct(s.csat.human.score)}); survey response rate ${pct(s.csat.responseRate)}`,
    `  bot                ${s.bot.answered} answers; resolved ${s.bot.resolvedWithoutHuman} of ${s.bot.resolved} with no human (${pct(s.bot.resolutionRate)}); ${s.bot.handoffs} handoffs`,
    ...s.bot.handoffReasons.map((r) => `                       ${r.reason}: ${r.count}`),
    `  deflection         ${pct(s.deflection.rate)} (${s.deflection.deflected} solved by a suggestion, ${s.deflection.ticketsFromForm} tickets from the form)`,
    `  searches, no good answer: ${s.unansweredSearches.map((x) => `"${x.term}" ${x.count}`).join(', ') || 'none'}`,
    `  articles rated unhelpful: ${s.unhelpfulArticles.map((a) => `#${a.articleId} ${a.unhelpful}`).join(', ') || 'none'}`,
  ];
  return `${lines.join('\n')}\n`;
}

export const stats: Command = {
  name: 'stats',
  summary: 'Print the support figures (volume, response times, CSAT, bot, deflection).',
  usage: 'parley stats [--json] [--days N]',
  async run(args, io) {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean' }, days: { type: 'string', default: '30' } } });
    const days = Number(values.days);
    if (!Number.isInteger(days) || days < 1) throw new Error('--days expects a whole number of days');
    const config = loadConfig(io.env);
    const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      await migrate(db);
      const to = Date.now();
      const figures = await computeStats(db.knex, { from: to - days * 86_400_000, to });
      io.stdout.write(values.json ? `${JSON.stringify(figures)}\n` : formatStats(figures));
      return 0;
    } finally {
      await db.close();
    }
  },
};
