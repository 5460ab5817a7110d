// Two instances of the service on one PostgreSQL database see each other's
// events. Runs only when TEST_DATABASE_URL is set (there is nothing to share
// on the embedded SQLite default).
import test from 'ava';
import { openDatabase } from '../../knexfile.ts';
import { ConversationCore } from '../conversation-core.ts';
import { inbound } from '../testing/factories.ts';
import { buildWorld, busFor, nextEvent, testLogger, type World } from '../testing/world.ts';

const url = process.env.TEST_DATABASE_URL;
let a: World;
let b: { core: ConversationCore; close(): Promise<void>; bus: World['bus'] };

if (!url) {
  test('PostgreSQL event bus (set TEST_DATABASE_URL to run)', (t) => t.pass());
} else {
  test.before(async () => {
    a = await buildWorld();
    // A second instance: its own pool and its own LISTEN connection, same schema.
    const db = await openDatabase({ databaseUrl: url, schema: a.db.schema });
    const logger = testLogger();
    const bus = await busFor(db, logger);
    b = { core: new ConversationCore({ db, clock: a.clock, bus, logger }), bus, close: async () => (await bus.close(), await db.close()) };
  });
  test.after.always(async () => {
    await b?.close();
    await a?.close();
  });

  test('two core instances on one database see each other\'s events', async (t) => {
    const seenByB = nextEvent(b.bus, (e) => e.type === 'ticket.created');
    const fromA = await a.core.receive(inbound());
    t.is((await seenByB).ticketId, fromA.ticket.id);

    const seenByA = nextEvent(a.bus, (e) => e.type === 'message.created' && e.authorType === 'agent');
    const reply = await b.core.reply({ ticketId: fromA.ticket.id, authorType: 'agent', text: 'from instance B' });
    t.is((await seenByA).messageId, reply.message.id);
  });

  test('events of another schema (another deployment) are not seen', async (t) => {
    const other = await buildWorld();
    let leaked = 0;
    const off = a.bus.subscribe((e) => e.type === 'ticket.created' && e.marker === undefined && leaked++);
    const before = leaked;
    const seen = nextEvent(other.bus, (e) => e.type === 'ticket.created');
    await other.core.receive(inbound());
    await seen;
    await new Promise((r) => setTimeout(r, 100));
    t.is(leaked, before);
    off();
    await other.close();
  });
}
