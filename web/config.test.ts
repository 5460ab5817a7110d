import test from 'ava';
import { ConfigError, loadConfig } from './config.ts';
import { main } from './cli.ts';
import { PassThrough } from 'node:stream';

test('defaults give the embedded service', (t) => {
  const config = loadConfig({});
  t.is(config.port, 3000);
  t.is(config.databaseUrl, undefined);
  t.true(config.dataDir.endsWith('/data'));
  t.is(config.publicUrl, 'http://localhost:3000');
  t.is(config.log.level, 'info');
});

test('a bad value names the variable and what is wrong', (t) => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ PORT: 'abc' }, /^PORT: expected a whole number from 0 to 65535 \(got "abc"\)$/],
    [{ PORT: '70000' }, /^PORT: /],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL: expected a postgres:\/\/ URL/],
    [{ PUBLIC_URL: 'ftp://x' }, /^PUBLIC_URL: expected an http/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL: /],
    [{ OUTBOX_BASE_DELAY_MS: '5000', OUTBOX_MAX_DELAY_MS: '100' }, /^OUTBOX_MAX_DELAY_MS: /],
    [{ SECRET_KEY: 'short' }, /^SECRET_KEY: expected at least 32 characters.*\(value hidden\)$/],
  ];
  for (const [env, message] of cases) {
    const error = t.throws(() => loadConfig(env), { instanceOf: ConfigError });
    t.regex(error!.message, message);
  }
});

test('PUBLIC_URL loses its trailing slash', (t) => {
  t.is(loadConfig({ PUBLIC_URL: 'https://help.example.com/' }).publicUrl, 'https://help.example.com');
});

function io(env: Record<string, string> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  return { io: { stdout, stderr, stdin: new PassThrough(), env }, out: () => out, err: () => err };
}

test('the CLI lists every command and stops on bad configuration with one line', async (t) => {
  const help = io();
  t.is(await main(['--help'], help.io), 0);
  for (const name of ['start', 'migrate', 'bench']) t.regex(help.out(), new RegExp(`\\n  ${name} `));

  const bad = io({ PORT: 'nope' });
  t.is(await main(['start'], bad.io), 78);
  t.is(bad.err(), 'parley: configuration error: PORT: expected a whole number from 0 to 65535 (got "nope")\n');

  const unknown = io();
  t.is(await main(['frobnicate'], unknown.io), 2);
  t.regex(unknown.err(), /unknown command "frobnicate"/);
});
