import test from 'ava';
import { openTestDatabase, type Database } from '../../knexfile.ts';
import { FakeClock } from '../../core/testing/clock.ts';
import { addAgent } from './agents.ts';

let db: Database;
test.before(async () => {
  db = await openTestDatabase();
});
test.after.always(async () => {
  await db?.close();
});

test('agents are created once per address; a later name replaces the old one; bad addresses are refused', async (t) => {
  const clock = new FakeClock();
  const first = await addAgent(db.knex, clock, { email: ' Ada@Example.COM ', name: 'Ada' });
  t.true(first.created);
  t.is(first.agent.email, 'ada@example.com');
  const again = await addAgent(db.knex, clock, { email: 'ada@example.com', name: 'Ada L.' });
  t.false(again.created);
  t.is(again.agent.id, first.agent.id);
  t.is((await db.knex('agents').where({ id: first.agent.id }).first()).name, 'Ada L.');
  await t.throwsAsync(() => addAgent(db.knex, clock, { email: 'not-an-address' }));
  t.is(Number((await db.knex('agents').count({ n: '*' }).first())!.n), 1);
});
