// The service under benchmark, in its own process so the figures (RSS above
// all) are the server's alone: the whole service as `npm start` builds it,
// from the environment the benchmark passes. Says "READY <url>" on stdout and
// answers {type:'rss'} over IPC with its resident memory.
import pino from 'pino';
import { loadConfig } from '../../../web/config.ts';
import { createParley } from '../../../web/server.ts';

const config = loadConfig(process.env);
const parley = await createParley({ config, logger: pino({ level: 'error' }), env: process.env });
const { url } = await parley.start();

process.on('message', (message: { type?: string; id?: number }) => {
  if (message?.type === 'rss') {
    // Measure after a collection when one is available (--expose-gc), so the
    // figure is live memory, not garbage waiting for the collector.
    (globalThis as { gc?: () => void }).gc?.();
    process.send!({ type: 'rss', id: message.id, rss: process.memoryUsage().rss });
  }
  if (message?.type === 'stop') {
    parley.stop().then(() => process.exit(0), () => process.exit(1));
  }
});
process.stdout.write(`READY ${url}\n`);

