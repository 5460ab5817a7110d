// `parley login-link <email> [--agent] [--json] [--next PATH]`: prints a fresh
// sign-in link for a customer (the portal) or, with --agent, for an agent
// (the desk: how the first agent gets in before mail is set up). The link is
// single-use and expires like an emailed one (PORTAL_ / DESK_LINK_TTL_MINUTES).
import { parseArgs } from 'node:util';
import { migrate, openDatabase } from '../../knexfile.ts';
import { systemClock } from '../../core/index.ts';
import { Agent } from '../../core/index.ts';
import { AGENT_LINKS, customerForEmail, LoginLinks } from '../auth/login-links.ts';
import type { Command } from '../cli.ts';
import { loadConfig, parseEnvGroup } from '../config.ts';
import { deskEnvSchema } from '../features/desk.ts';
import { portalEnvSchema } from '../features/portal.ts';

export const loginLink: Command = {
  name: 'login-link',
  summary: 'Print a fresh single-use sign-in link for a customer, or with --agent for the agent desk (--json for {"email","url","expiresAt"}).',
  usage: 'parley login-link <email> [--agent] [--json] [--next /tickets/12]',
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' }, agent: { type: 'boolean' }, next: { type: 'string' } } });
    const email = positionals[0]?.trim().toLowerCase();
    if (!email || positionals.length !== 1 || !email.includes('@')) {
      io.stderr.write(`Usage: ${loginLink.usage}\n`);
      return 2;
    }
    const config = loadConfig(io.env);
    const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      await migrate(db);
      const subject = values.agent ? await Agent.query(db.knex).findOne({ email }) : await customerForEmail(db.knex, email);
      if (!subject?.email) {
        io.stderr.write(`parley login-link: no ${values.agent ? 'agent (add one with parley agent:add)' : 'customer'} has the address ${email}\n`);
        return 1;
      }
      const ttlMinutes = values.agent ? parseEnvGroup(deskEnvSchema, io.env).DESK_LINK_TTL_MINUTES : parseEnvGroup(portalEnvSchema, io.env).PORTAL_LINK_TTL_MINUTES;
      const links = new LoginLinks({
        knex: db.knex,
        clock: systemClock,
        publicUrl: config.publicUrl,
        ttlMs: ttlMinutes * 60_000,
        audience: values.agent ? AGENT_LINKS : undefined,
      });
      const link = await links.issue(subject.id, subject.email, values.next);
      io.stdout.write(
        values.json
          ? `${JSON.stringify({ email: subject.email, url: link.url, expiresAt: new Date(link.expiresAt).toISOString() })}\n`
          : `${link.url}\n`,
      );
      io.stderr.write(`Single use, valid until ${new Date(link.expiresAt).toISOString()}.\n`);
      return 0;
    } finally {
      await db.close();
    }
  },
};
