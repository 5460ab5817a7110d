// `parley start`: the whole service on whatever the configuration selects.
import type { Command } from '../cli.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { createParley } from '../server.ts';

export const start: Command = {
  name: 'start',
  summary: 'Run the service (HTTP, channels, workers); what `npm start` runs.',
  usage: 'parley start',
  async run(_args, io) {
    const config = loadConfig(io.env);
    const logger = createLogger(config.log);
    const parley = await createParley({ config, logger, env: io.env });
    const { url } = await parley.start();
    logger.info({ url, publicUrl: config.publicUrl, database: parley.db.dialect, dataDir: config.dataDir }, 'Parley is running');
    const email = parley.adapters.has('email') ? '\n  email:            write to the SMTP listener (see README "Email"); replies land in the outbox' : '';
    io.stderr.write(
      `\n  Parley is running (listening on ${url})\n` +
        `  customer portal:  ${config.publicUrl}/\n` +
        `  chat widget demo: ${config.publicUrl}/demo\n` +
        `  help centre:      ${config.publicUrl}/kb${email}\n` +
        `  agent desk:       ${config.publicUrl}/desk  (first agent: npm run -s parley -- agent:add you@example.com)\n\n`,
    );

    await new Promise<void>((resolve) => {
      let stopping = false;
      const shutdown = (signal: string) => {
        if (stopping) {
          logger.warn('second signal: exiting now');
          process.exit(1);
        }
        stopping = true;
        logger.info({ signal }, 'shutting down');
        parley.stop().then(resolve, (err) => {
          logger.error({ err }, 'shutdown failed');
          resolve();
        });
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
    });
    logger.info('stopped');
    return 0;
  },
};
