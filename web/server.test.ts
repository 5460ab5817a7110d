import test from 'ava';
import { startTestParley } from './testing/test-parley.ts';

test('the service boots, answers /healthz and /readyz, and stops gracefully', async (t) => {
  const seen: string[] = [];
  const { url, parley, close } = await startTestParley({
    features: [
      (parts) => {
        parts.mount(async (ctx, next) => {
          if (ctx.path !== '/slow') return next();
          await new Promise((r) => setTimeout(r, 300));
          ctx.body = 'finished';
        });
        parts.onStop(async () => void seen.push('hook'));
      },
    ],
  });
  t.deepEqual(await (await fetch(`${url}/healthz`)).json(), { status: 'ok' });
  const ready = await fetch(`${url}/readyz`);
  t.is(ready.status, 200);
  t.is(((await ready.json()) as { status: string }).status, 'ready');

  // A request in flight when shutdown begins still completes.
  const slow = fetch(`${url}/slow`).then((r) => r.text());
  await new Promise((r) => setTimeout(r, 50));
  const stopping = close();
  t.is(await slow, 'finished');
  await stopping;
  t.deepEqual(seen, ['hook']);
  await t.throwsAsync(() => fetch(`${url}/healthz`));
  await t.throwsAsync(() => parley.db.knex.raw('select 1'));
});

test('a request whose client hung up still finishes its work before the database closes', async (t) => {
  let outcome: string | undefined;
  let entered!: () => void;
  const inHandler = new Promise<void>((resolve) => (entered = resolve));
  const { url, close } = await startTestParley({
    features: [
      (parts) =>
        parts.mount(async (ctx, next) => {
          if (ctx.path !== '/write-late') return next();
          entered();
          await new Promise((r) => setTimeout(r, 300));
          try {
            await parts.db.knex.raw('select 1');
            outcome = 'stored';
          } catch (error) {
            outcome = `failed: ${(error as Error).message}`;
          }
          ctx.body = 'done';
        }),
    ],
  });
  const aborted = new AbortController();
  const request = fetch(`${url}/write-late`, { signal: aborted.signal }).catch(() => 'hung up');
  await inHandler;
  aborted.abort();
  t.is(await request, 'hung up');
  await close();
  t.is(outcome, 'stored');
});

test('unknown routes are 404 and domain errors map to their status', async (t) => {
  const { url, close } = await startTestParley({
    features: [
      (parts) =>
        parts.mount(async (ctx, next) => {
          if (ctx.path === '/reply-to-nowhere') {
            await parts.core.reply({ ticketId: 987654, authorType: 'agent', text: 'hello' });
          }
          return next();
        }),
    ],
  });
  t.teardown(close);
  t.is((await fetch(`${url}/nope`)).status, 404);
  const res = await fetch(`${url}/reply-to-nowhere`);
  t.is(res.status, 404);
  t.deepEqual(await res.json(), { error: 'ticket 987654 not found', code: 'not_found' });
});
