// Sign-in end to end over real HTTP: magic links through the outbox, single
// use and expiry, the same answer for unknown addresses, rate limits, links
// from PUBLIC_URL only, session cookies, rotation, timeouts, sign-out, host
// sign-in, and CSRF refusals.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import test from 'ava';
import { openDatabase, migrate } from '../../knexfile.ts';
import { signHostIdentity } from '../../channels/webchat/identity.ts';
import { Customer } from '../../core/index.ts';
import { FakeClock } from '../../core/testing/clock.ts';
import { buildCustomer } from '../../core/testing/factories.ts';
import { main } from '../cli.ts';
import { eventually, linkFromMail, outboxMails, PortalClient } from '../portal/testing/portal-client.ts';
import { startTestParley } from '../testing/test-parley.ts';

const ENV = { EMAIL_SMTP_ENABLED: 'false', KB_BOT: 'false', KB_DEMO: 'false' };
const HOST_SECRET = 'host-app-shared-secret-0123456789';

async function service(env: Record<string, string> = {}) {
  const clock = new FakeClock(Date.now());
  const t = await startTestParley({ env: { ...ENV, ...env }, clock });
  return { ...t, clock, client: new PortalClient(t.url) };
}

function sessionCookie(res: Response): string | undefined {
  return res.headers.getSetCookie().find((c) => c.startsWith('parley_session='));
}

test('a known customer signs in through the emailed link; GET does not spend it, POST does, once', async (t) => {
  const { parley, client, dataDir, close } = await service();
  t.teardown(close);
  await buildCustomer(parley.db.knex, { email: 'ada@example.com', name: 'Ada' });

  const form = await client.get('/sign-in');
  t.is(form.res.headers.get('referrer-policy'), 'no-referrer');
  const sent = await client.post('/sign-in', { email: 'Ada@Example.com' });
  t.is(sent.res.status, 200);
  t.regex(sent.html, /Check your email/);

  const mail = await eventually(() => outboxMails(dataDir)[0]);
  t.regex(mail, /Auto-Submitted: auto-generated/);
  t.regex(mail, /To: ada@example\.com/);
  const link = linkFromMail(mail)!;
  t.true(link.startsWith(`${parley.config.publicUrl}/sign-in/link/`));

  const linkPath = new URL(link).pathname;
  for (let i = 0; i < 2; i++) {
    const page = await client.get(linkPath); // a mail scanner, then the customer
    t.is(page.res.status, 200);
    t.is(page.res.headers.get('referrer-policy'), 'no-referrer');
    t.regex(page.html, /Continue and sign in/);
  }
  const before = client.cookies.get('parley_csrf');
  const signedIn = await client.post(linkPath);
  t.is(signedIn.res.status, 303);
  t.is(signedIn.res.headers.get('location'), '/');
  const cookie = sessionCookie(signedIn.res)!;
  t.regex(cookie, /^parley_session=[A-Za-z0-9_-]{43}; /);
  t.regex(cookie, /HttpOnly/);
  t.regex(cookie, /SameSite=Lax/);
  t.notRegex(cookie, /Secure/); // plain http PUBLIC_URL
  t.not(client.cookies.get('parley_csrf'), before, 'the CSRF seed is rotated at sign-in');

  const home = await client.get('/');
  t.is(home.res.status, 200);
  t.regex(home.html, /Hello, Ada/);

  // Used once: a second POST (another device) is refused and signs nobody in.
  const other = new PortalClient(client.base);
  const again = await other.post(linkPath);
  t.is(again.res.status, 410);
  t.regex(again.html, /already been used/);
  t.is(sessionCookie(again.res), undefined);
  t.is((await other.get(linkPath)).res.status, 410);
});

test('the link proves the address; the session is stored hashed', async (t) => {
  const { parley, client, close } = await service();
  t.teardown(close);
  const customer = await buildCustomer(parley.db.knex, { email: 'unverified@example.com', emailVerified: false });
  await client.signIn(parley, 'unverified@example.com');
  t.true((await Customer.query(parley.db.knex).findById(customer.id))!.emailVerified);
  const rows = await parley.db.knex('sessions').select('idHash');
  t.is(rows.length, 1);
  t.not(rows[0].idHash, client.cookies.get('parley_session'));
  t.regex(rows[0].idHash, /^[0-9a-f]{64}$/);
  const tokens = await parley.db.knex('loginTokens').select('tokenHash');
  t.true(tokens.every((r: any) => /^[0-9a-f]{64}$/.test(r.tokenHash)));
});

test('unknown addresses get the same answer and no mail', async (t) => {
  const { parley, client, dataDir, close } = await service();
  t.teardown(close);
  await buildCustomer(parley.db.knex, { email: 'known@example.com' });
  const unknown = await client.post('/sign-in', { email: 'nobody@example.com' });
  const known = await client.post('/sign-in', { email: 'known@example.com' });
  t.is(unknown.res.status, known.res.status);
  t.is(unknown.html.replace('nobody@example.com', 'X'), known.html.replace('known@example.com', 'X'));
  await eventually(async () => (await parley.db.knex('jobs').whereNot('status', 'done').count({ n: '*' }))[0]!.n == 0 || undefined);
  const mails = outboxMails(dataDir);
  t.is(mails.length, 1);
  t.regex(mails[0]!, /known@example\.com/);
  const bad = await client.post('/sign-in', { email: 'not-an-address' });
  t.is(bad.res.status, 422);
  t.regex(bad.html, /Enter an email address/);
});

test('links expire after 15 minutes', async (t) => {
  const { parley, client, clock, dataDir, close } = await service();
  t.teardown(close);
  await buildCustomer(parley.db.knex, { email: 'late@example.com' });
  await client.post('/sign-in', { email: 'late@example.com' });
  const linkPath = new URL(linkFromMail(await eventually(() => outboxMails(dataDir)[0]))!).pathname;
  clock.advance(15 * 60_000 + 1);
  t.is((await client.get(linkPath)).res.status, 410);
  const late = await client.post(linkPath);
  t.is(late.res.status, 410);
  t.regex(late.html, /expired/);
  t.is(sessionCookie(late.res), undefined);
  t.is((await client.post('/sign-in/link/not-a-token')).res.status, 404);
});

test('sign-in requests are rate limited per address and per IP', async (t) => {
  const { client, close } = await service({ PORTAL_SIGN_IN_PER_ADDRESS: '3', PORTAL_SIGN_IN_PER_IP: '5' });
  t.teardown(close);
  for (let i = 0; i < 3; i++) t.is((await client.post('/sign-in', { email: 'same@example.com' })).res.status, 200);
  const limited = await client.post('/sign-in', { email: 'same@example.com' });
  t.is(limited.res.status, 429);
  t.truthy(Number(limited.res.headers.get('retry-after')) > 0);
  t.regex(limited.html, /Too many/);
  // Other addresses from the same IP: one more fits in its budget of five, then it is closed too.
  t.is((await client.post('/sign-in', { email: 'a@example.com' })).res.status, 200);
  t.is((await client.post('/sign-in', { email: 'b@example.com' })).res.status, 429);
});

test('links are built from PUBLIC_URL, never the Host header', async (t) => {
  const { parley, client, dataDir, close } = await service({ PUBLIC_URL: 'http://support.example.test' });
  t.teardown(close);
  await buildCustomer(parley.db.knex, { email: 'host@example.com' });
  await client.post('/sign-in', { email: 'host@example.com' }, { headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example' } });
  const link = linkFromMail(await eventually(() => outboxMails(dataDir)[0]))!;
  t.true(link.startsWith('http://support.example.test/sign-in/link/'));
});

test('sessions end on sign-out, after idle time and at the absolute limit; cookies are Secure behind https', async (t) => {
  const { parley, client, clock, close } = await service({ PORTAL_SESSION_IDLE_HOURS: '2', PORTAL_SESSION_MAX_DAYS: '1' });
  t.teardown(close);
  await buildCustomer(parley.db.knex, { email: 'sess@example.com' });

  await client.signIn(parley, 'sess@example.com');
  const stolen = client.cookies.get('parley_session')!;
  const out = await client.post('/sign-out');
  t.is(out.res.status, 303);
  t.regex(out.res.headers.get('location')!, /^\/sign-in/);
  t.false(client.cookies.has('parley_session'));
  const replay = new PortalClient(client.base);
  replay.cookies.set('parley_session', stolen);
  t.is((await replay.get('/')).res.status, 302, 'a signed-out session id is worthless');

  await client.signIn(parley, 'sess@example.com');
  clock.advance(2 * 3_600_000);
  t.is((await client.get('/')).res.status, 302, 'idle too long');

  await client.signIn(parley, 'sess@example.com');
  for (let i = 0; i < 13; i++) {
    clock.advance(3_600_000 + 120_000); // active every hour...
    t.is((await client.get('/')).res.status, 200);
  }
  clock.advance(12 * 3_600_000 - 13 * 120_000);
  t.is((await client.get('/')).res.status, 302, '...but not past the absolute limit');

  const secure = await service({ PUBLIC_URL: 'https://support.example.test' });
  t.teardown(secure.close);
  await buildCustomer(secure.parley.db.knex, { email: 'tls@example.com' });
  const links = await secure.client.get('/sign-in');
  t.regex(links.res.headers.getSetCookie().join('\n'), /parley_csrf=[^;]+;.*Secure/);
});

test('a session id planted before sign-in is replaced', async (t) => {
  const { parley, client, close } = await service();
  t.teardown(close);
  await buildCustomer(parley.db.knex, { email: 'fixed@example.com' });
  const planted = 'A'.repeat(43);
  client.cookies.set('parley_session', planted);
  await client.signIn(parley, 'fixed@example.com');
  t.not(client.cookies.get('parley_session'), planted);
});

test('a host application signs its user in with the chat widget identity', async (t) => {
  const { parley, client, clock, close } = await service({ WEBCHAT_IDENTITY_SECRET: HOST_SECRET });
  t.teardown(close);
  const existing = await buildCustomer(parley.db.knex, { email: 'grace@example.com', name: 'Grace' });
  const identity = { userId: 'u-42', email: 'grace@example.com', name: 'Grace Hopper', timestamp: Math.floor(clock.now() / 1000) };
  const signature = signHostIdentity(HOST_SECRET, identity);
  const query = new URLSearchParams({ ...identity, timestamp: String(identity.timestamp), signature, next: '/tickets' });

  const confirm = await client.get(`/sign-in/host?${query}`);
  t.is(confirm.res.status, 200);
  t.regex(confirm.html, /Continue as <strong>Grace Hopper<\/strong>/);
  t.is(sessionCookie(confirm.res), undefined, 'GET signs nobody in');

  const fields = Object.fromEntries(query);
  const done = await client.post('/sign-in/host', fields);
  t.is(done.res.status, 303);
  t.is(done.res.headers.get('location'), '/tickets');
  const session = await parley.db.knex('sessions').first('customerId', 'method');
  t.is(session.customerId, existing.id, 'a verified address joins the customer who holds it');
  t.is(session.method, 'host');

  const forged = await new PortalClient(client.base).post('/sign-in/host', { ...fields, name: 'Mallory' });
  t.is(forged.res.status, 403);
  clock.advance(2 * 86_400_000);
  t.is((await new PortalClient(client.base).post('/sign-in/host', fields)).res.status, 410);
});

test('state-changing requests need the CSRF token and a same-site origin', async (t) => {
  const { parley, client, close } = await service();
  t.teardown(close);
  await buildCustomer(parley.db.knex, { email: 'csrf@example.com' });
  await client.signIn(parley, 'csrf@example.com');
  const token = client.csrfToken;

  t.is((await client.post('/sign-out', {}, { csrf: false })).res.status, 403);
  t.is((await client.post('/sign-out', {}, { csrf: 'x'.repeat(43) })).res.status, 403);
  const crossSite = await client.post('/sign-out', {}, { headers: { 'sec-fetch-site': 'cross-site' } });
  t.is(crossSite.res.status, 403);
  t.is((await client.post('/sign-out', {}, { headers: { origin: 'https://evil.example' } })).res.status, 403);
  // Another browser's token is no good with this browser's cookie.
  const stranger = new PortalClient(client.base);
  await stranger.ensureCsrf();
  t.is((await client.post('/sign-out', {}, { csrf: stranger.csrfToken })).res.status, 403);
  // A multipart form without the token stores nothing.
  const stored = () => fs.readdirSync(parley.config.dataDir, { recursive: true }).filter((f) => String(f).startsWith('attachments')).length;
  const files = stored();
  const form = new FormData();
  form.append('formId', 'abcdefgh-1234');
  form.append('files', new Blob(['evil']), 'evil.txt');
  t.is((await client.request('POST', '/tickets/new', { body: form })).status, 403);
  t.is(stored(), files);
  // Through htmx, the header carries it.
  const viaHeader = await client.request('POST', '/sign-out', { headers: { 'x-csrf-token': token, 'hx-request': 'true', 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
  t.is(viaHeader.status, 200);
  t.is(viaHeader.headers.get('hx-redirect'), '/sign-in?signed_out=1');
  // The JSON error shape stays for API clients.
  const api = await fetch(`${client.base}/sign-out`, { method: 'POST' });
  t.is(api.status, 403);
  t.is(((await api.json()) as any).code, 'csrf');
});

test('parley login-link prints a fresh link for a customer', async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-login-link-'));
  t.teardown(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const env = { DATA_DIR: dataDir, PUBLIC_URL: 'https://help.example.test', LOG_LEVEL: 'silent' };
  const db = await openDatabase({ dataDir });
  await migrate(db);
  await buildCustomer(db.knex, { email: 'cli@example.com' });
  await db.close();

  const run = async (args: string[]) => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (c) => (out += c));
    stderr.on('data', (c) => (err += c));
    const code = await main(['login-link', ...args], { stdout, stderr, stdin: new PassThrough(), env });
    return { code, out, err };
  };
  const plain = await run(['cli@example.com']);
  t.is(plain.code, 0);
  t.regex(plain.out, /^https:\/\/help\.example\.test\/sign-in\/link\/[A-Za-z0-9_-]{43}\n$/);
  const json = await run(['CLI@example.com', '--json']);
  const parsed = JSON.parse(json.out);
  t.is(parsed.email, 'cli@example.com');
  t.regex(parsed.url, /\/sign-in\/link\//);
  t.true(Date.parse(parsed.expiresAt) > Date.now() + 14 * 60_000);
  const missing = await run(['nobody@example.com']);
  t.is(missing.code, 1);
  t.regex(missing.err, /no customer/);

  // --agent: a desk link, only for an agent (a customer's address is not one).
  t.is((await run(['cli@example.com', '--agent'])).code, 1);
  const db2 = await openDatabase({ dataDir });
  await db2.knex('agents').insert({ email: 'ann@example.com', name: 'Ann', createdAt: Date.now() });
  await db2.close();
  const agent = await run(['ann@example.com', '--agent']);
  t.is(agent.code, 0);
  t.regex(agent.out, /^https:\/\/help\.example\.test\/desk\/sign-in\/link\/[A-Za-z0-9_-]{43}\n$/);
});
