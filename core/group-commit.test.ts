// Group commit keeps inTransaction's promises while sharing one COMMIT: these
// tests run it on the test database (SQLite, or PostgreSQL with
// TEST_DATABASE_URL) with a table of its own.
import test from 'ava';
import type { BusEvent } from './events/bus.ts';
import { GroupCommit } from './group-commit.ts';
import { inbound } from './testing/factories.ts';
import { buildWorld, type World } from './testing/world.ts';

let world: World;
let group: GroupCommit;
const begins: string[] = [];

test.before(async () => {
  world = await buildWorld();
  await world.db.knex.schema.createTable('probe', (t) => {
    t.increments('id');
    t.string('label').notNullable().unique();
  });
  group = new GroupCommit({ knex: world.db.knex, clock: world.clock, bus: world.bus });
  world.db.knex.on('query', (q: { sql: string }) => {
    if (/^begin/i.test(q.sql.trim())) begins.push(q.sql);
  });
});
test.after.always(async () => {
  await world?.close();
});

const labels = async () => (await world.db.knex('probe').orderBy('id').select('label')).map((r: { label: string }) => r.label);
const insert = (label: string) => group.run(async ({ trx }) => (await trx('probe').insert({ label }, ['id']))[0]);

test.serial('work queued together shares one transaction, and each piece sees the writes before it', async (t) => {
  await world.db.knex('probe').delete();
  begins.length = 0;
  const seen: number[] = [];
  const done = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      group.run(async ({ trx }) => {
        seen.push(Number((await trx('probe').count({ n: '*' }).first())!.n));
        await trx('probe').insert({ label: `shared-${i}` });
        return i;
      }),
    ),
  );
  t.deepEqual(done, [...Array(20).keys()]);
  t.is(begins.length, 1);
  t.deepEqual(seen, [...Array(20).keys()]);
  t.is((await labels()).length, 20);
});

test.serial('a failing piece is undone alone: its caller gets its error, the others commit, its events never go out', async (t) => {
  await world.db.knex('probe').delete();
  const heard: BusEvent[] = [];
  const off = world.bus.subscribe((e) => heard.push(e));
  const failing = group.run(async ({ trx, events }) => {
    await trx('probe').insert({ label: 'undone' });
    events.push({ type: 'ticket.updated', probe: 'undone' });
    throw new Error('this piece fails');
  });
  const others = ['kept-1', 'kept-2'].map((label) =>
    group.run(async ({ trx, events }) => {
      await trx('probe').insert({ label });
      events.push({ type: 'ticket.updated', probe: label });
    }),
  );
  await t.throwsAsync(failing, { message: 'this piece fails' });
  await Promise.all(others);
  t.deepEqual(await labels(), ['kept-1', 'kept-2']);
  // PostgreSQL announces by NOTIFY: wait until both kept events arrived.
  for (let i = 0; i < 100 && heard.filter((e) => e.probe).length < 2; i++) await new Promise((r) => setTimeout(r, 20));
  off();
  t.deepEqual(heard.filter((e) => e.probe).map((e) => e.probe).sort(), ['kept-1', 'kept-2']);
});

test.serial('a taken unique key is a race: the piece runs again in a later batch and sees the winner', async (t) => {
  await world.db.knex('probe').delete();
  let attempts = 0;
  const [, second] = await Promise.all([
    insert('contested'),
    group.run(async ({ trx }) => {
      attempts++;
      // The first attempt does not look before inserting; the retry does.
      if (attempts > 1 && (await trx('probe').where({ label: 'contested' }).first())) return 'found the winner';
      await trx('probe').insert({ label: 'contested' });
      return 'inserted';
    }),
  ]);
  t.is(second, 'found the winner');
  t.is(attempts, 2);
  t.deepEqual(await labels(), ['contested']);
});

test.serial('an error that is not a race is not retried', async (t) => {
  let attempts = 0;
  // better-sqlite3's errors are not Error instances to ava: catch it by hand.
  const error = await group
    .run(async ({ trx }) => {
      attempts++;
      await trx('no_such_table').insert({ x: 1 });
    })
    .then(() => undefined, (e: unknown) => e);
  t.regex(String((error as { message?: string })?.message), /no_such_table/);
  t.is(attempts, 1);
  // The group still works after it.
  await insert('after-an-error');
  t.true((await labels()).includes('after-an-error'));
});

test.serial('the same inbound message received many times at once is stored once', async (t) => {
  const msg = inbound();
  const results = await Promise.all(Array.from({ length: 10 }, () => world.core.receive(msg)));
  t.is(results.filter((r) => !r.duplicate).length, 1);
  t.is(new Set(results.map((r) => r.message.id)).size, 1);
  t.is(Number((await world.db.knex('messages').where({ externalId: msg.externalId }).count({ n: '*' }).first())!.n), 1);
});
