// `parley migrate`: bring the database schema up to date (start does this too).
import { migrate as runMigrations, openDatabase } from '../../knexfile.ts';
import type { Command } from '../cli.ts';
import { loadConfig } from '../config.ts';

export const migrate: Command = {
  name: 'migrate',
  summary: 'Apply pending database migrations and exit.',
  usage: 'parley migrate [--json]',
  async run(args, io) {
    const config = loadConfig(io.env);
    const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      const applied = await runMigrations(db);
      if (args.includes('--json')) io.stdout.write(`${JSON.stringify({ database: db.dialect, applied })}\n`);
      else io.stderr.write(applied.length ? `applied ${applied.length} migration(s):\n  ${applied.join('\n  ')}\n` : 'database is up to date\n');
      return 0;
    } finally {
      await db.close();
    }
  },
};
