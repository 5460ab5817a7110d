// `parley login-link <email> [--json] [--next PATH]`: prints a fresh sign-in
// link for a customer, for operators helping someone in and for tests. The
// link is single-use and expires like an emailed one (PORTAL_LINK_TTL_MINUTES).
import { parseArgs } from 'node:util';
import { migrate, openDatabase } from '../../knexfile.ts';
import { systemClock } from '../../core/index.ts';
import { customerForEmail, LoginLinks } from '../auth/login-links.ts';
import type { Command } from '../cli.ts';
import { loadConfig, parseEnvGroup } from '../config.ts';
import { portalEnvSchema } from '../features/portal.ts';

export const loginLink: Command = {
  name: 'login-link',
  summary: 'Print a fresh single-use portal sign-in link for a customer (--json for {"email","url","expiresAt"}).',
  usage: 'parley login-link <email> [--json] [--next /tickets/12]',
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' }, next: { type: 'string' } } });
    const email = positionals[0]?.trim().toLowerCase();
    if (!email || positionals.length !== 1 || !email.includes('@')) {
      io.stderr.write(`Usage: ${loginLink.usage}\n`);
      return 2;
    }
    const config = loadConfig(io.env);
    const env = parseEnvGroup(portalEnvSchema, io.env);
    const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      await migrate(db);
      const customer = await customerForEmail(db.knex, email);
      if (!customer?.email) {
        io.stderr.write(`parley login-link: no customer has the address ${email}\n`);
        return 1;
      }
      const links = new LoginLinks({ knex: db.knex, clock: systemClock, publicUrl: config.publicUrl, ttlMs: env.PORTAL_LINK_TTL_MINUTES * 60_000 });
      const link = await links.issue(customer.id, customer.email, values.next);
      io.stdout.write(
        values.json
          ? `${JSON.stringify({ email: customer.email, url: link.url, expiresAt: new Date(link.expiresAt).toISOString() })}\n`
          : `${link.url}\n`,
      );
      io.stderr.write(`Single use, valid until ${new Date(link.expiresAt).toISOString()}.\n`);
      return 0;
    } finally {
      await db.close();
    }
  },
};
