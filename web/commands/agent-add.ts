// `parley agent:add <email> [--name NAME] [--json]`: creates a desk agent (or
// renames an existing one). The first agent of a fresh install is made here.
import { parseArgs } from 'node:util';
import { ZodError } from 'zod';
import { migrate, openDatabase } from '../../knexfile.ts';
import { systemClock } from '../../core/index.ts';
import type { Command } from '../cli.ts';
import { loadConfig } from '../config.ts';
import { addAgent } from '../desk/agents.ts';

export const agentAdd: Command = {
  name: 'agent:add',
  summary: 'Create a desk agent (or rename one); --json prints {"id","email","name","created"}.',
  usage: 'parley agent:add <email> [--name "Ada Lovelace"] [--json]',
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { name: { type: 'string' }, json: { type: 'boolean' } } });
    if (positionals.length !== 1) {
      io.stderr.write(`Usage: ${agentAdd.usage}\n`);
      return 2;
    }
    const config = loadConfig(io.env);
    const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      await migrate(db);
      const { agent, created } = await addAgent(db.knex, systemClock, { email: positionals[0]!, name: values.name });
      io.stdout.write(
        values.json
          ? `${JSON.stringify({ id: agent.id, email: agent.email, name: agent.name, created })}\n`
          : `${created ? 'Created' : 'Updated'} agent #${agent.id} ${agent.email}\n`,
      );
      if (!values.json) {
        io.stderr.write(`Sign in at ${config.publicUrl}/desk/sign-in, or print a link with: parley login-link --agent ${agent.email}\n`);
      }
      return 0;
    } catch (err) {
      if (!(err instanceof ZodError)) throw err;
      io.stderr.write(`parley agent:add: ${err.issues[0]?.message ?? 'invalid input'}\n`);
      return 2;
    } finally {
      await db.close();
    }
  },
};
