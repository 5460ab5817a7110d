import test from 'ava';
import { buildWorld } from '../../core/testing/world.ts';
import { applyRatingClick } from './rating.ts';
import { RatingTokens } from './rating-tokens.ts';

test('a click counts only from the ticket\'s own customer on that channel; "Not helpful" hands off', async (t) => {
  const world = await buildWorld();
  try {
    const { core } = world;
    const tokens = new RatingTokens('secret-for-rating-tests-0123456789', 'slack');
    const { ticket } = await core.receive({
      channel: 'slack',
      externalId: 'C1:1.1',
      threadKey: 'C1:1.1',
      sender: { externalUserId: 'UASKER' },
      text: 'Help?',
      receivedAt: world.clock.now(),
      replyRef: { channel: 'C1', threadTs: '1.1' },
    });
    await core.receive({ channel: 'slack', externalId: 'C1:2.2', threadKey: 'C1:2.2', sender: { externalUserId: 'UOTHER' }, text: 'Me too', receivedAt: world.clock.now(), replyRef: {} });
    const { message } = await core.reply({ ticketId: ticket.id, authorType: 'bot', purpose: 'answer', text: 'Try this.' });
    const token = tokens.encode({ kind: 'answer', messageId: message.id, helpful: false });

    t.like(await applyRatingClick(core, tokens, { channel: 'slack', externalUserId: 'UOTHER', token }), { ok: false, reason: 'not_yours' });
    const teamsTokens = new RatingTokens('secret-for-rating-tests-0123456789', 'teams');
    t.like(await applyRatingClick(core, teamsTokens, { channel: 'teams', externalUserId: 'UASKER', token }), { ok: false, reason: 'invalid' }, 'a Slack token on Teams');
    t.like(await applyRatingClick(core, tokens, { channel: 'slack', externalUserId: 'UNOBODY', token }), { ok: false, reason: 'not_yours' });
    t.is((await world.db.knex('ratings').count({ n: '*' }).first())!.n as number, 0);

    t.like(await applyRatingClick(core, tokens, { channel: 'slack', externalUserId: 'UASKER', token }), { ok: true, ticketId: ticket.id });
    const rating = await world.db.knex('ratings').where({ ticketId: ticket.id }).first();
    t.is(rating.score, 0);
    const after = await world.db.knex('tickets').where({ id: ticket.id }).first();
    t.is(after.handler, 'human');
    t.is(after.handoffReason, 'answer_not_helpful');
  } finally {
    await world.close();
  }
});
