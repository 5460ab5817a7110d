import test from 'ava';
import { DAY_MS } from './auto-resolve.ts';
import { AutomationSweeper } from './sweeper.ts';
import { inbound } from '../testing/factories.ts';
import { buildWorld, type World } from '../testing/world.ts';

let world: World;
test.before(async () => {
  world = await buildWorld();
});
test.after.always(async () => {
  await world?.close();
});

test('runOnce resolves stale pending tickets as of the given time; without auto-resolve it does nothing', async (t) => {
  const { ticket } = await world.core.receive(inbound({ channel: 'slack', replyRef: { channel: 'C9', ts: '9.0' } }));
  await world.core.reply({ ticketId: ticket.id, authorType: 'agent', text: 'Please confirm.', status: 'pending' });
  const later = world.clock.now() + 8 * DAY_MS;

  const off = new AutomationSweeper({ clock: world.clock, logger: world.logger, intervalMs: 60_000 });
  t.deepEqual(await off.runOnce(later), { resolved: [] });

  const on = new AutomationSweeper({
    clock: world.clock,
    logger: world.logger,
    intervalMs: 60_000,
    autoResolve: { core: world.core, afterDays: 7, message: 'Closed #{number}.' },
  });
  t.deepEqual(await on.runOnce(world.clock.now() + DAY_MS), { resolved: [] });
  t.deepEqual(await on.runOnce(later), { resolved: [ticket.id] });
  on.start();
  await on.stop();
});
