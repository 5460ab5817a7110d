import test from 'ava';
import { RatingTokens } from './rating-tokens.ts';

const secret = 'a-long-random-service-secret-for-tests';

test('a token decodes to the choice it was made for, and fits a Discord custom_id', (t) => {
  const tokens = new RatingTokens(secret, 'discord');
  const answer = tokens.encode({ kind: 'answer', messageId: 123456, helpful: false });
  const csat = tokens.encode({ kind: 'csat', ticketId: 42, score: 5 });
  t.true(answer.length <= 100 && csat.length <= 100);
  t.deepEqual(tokens.decode(answer), { kind: 'answer', messageId: 123456, helpful: false });
  t.deepEqual(tokens.decode(csat), { kind: 'csat', ticketId: 42, score: 5 });
});

test('tampered, foreign and other-channel tokens are refused', (t) => {
  const slack = new RatingTokens(secret, 'slack');
  const token = slack.encode({ kind: 'answer', messageId: 7, helpful: true });
  t.is(slack.decode(token.replace(':7:', ':8:')), undefined);
  t.is(slack.decode(token.replace(':1:', ':0:')), undefined);
  t.is(new RatingTokens(secret, 'teams').decode(token), undefined);
  t.is(new RatingTokens('another-secret-entirely-000000000', 'slack').decode(token), undefined);
  t.is(slack.decode(slack.encode({ kind: 'csat', ticketId: 1, score: 5 }).replace(':5:', ':9:')), undefined);
  t.is(slack.decode({ token }), undefined);
  t.true(RatingTokens.looksLike(token));
  t.false(RatingTokens.looksLike('parley-rated'));
});
