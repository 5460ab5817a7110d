// The web chat's outbox adapter, driven by the real delivery worker: a reply
// for a visitor who is here is delivered by being stored and streamed; after a
// handoff, a visitor who left an email address and went away gets it by email.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import pino from 'pino';
import { createDeliveryWorker, tickets } from '../../core/index.ts';
import { startTestParley } from '../../web/testing/test-parley.ts';
import { openStream, startWebchat, Visitor } from './test-helpers.ts';

async function waitFor<T>(probe: () => Promise<T | undefined | false>, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

function outboxFiles(dataDir: string): string[] {
  const dir = path.join(dataDir, 'outbox');
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.eml')) : [];
}

test('without an email channel, a webchat delivery is done once the reply is stored', async (t) => {
  const service = await startWebchat();
  t.teardown(service.close);
  const worker = createDeliveryWorker({
    db: service.db,
    clock: service.clock,
    bus: service.bus,
    logger: pino({ level: 'silent' }),
    adapters: () => new Map([['webchat', service.webchat.adapter]]),
    options: { leaseMs: 10_000, pollMs: 20, batchSize: 10, retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100 } },
  });
  worker.start();
  t.teardown(() => worker.stop());
  const visitor = await Visitor.start(service.url);
  const sent = await visitor.send('Hello?');
  const reply = await service.core.reply({ ticketId: sent.body.conversation.id, authorType: 'agent', text: 'Hi there' });
  const delivery = await waitFor(async () => {
    const [row] = await tickets.listDeliveries(service.db.knex, sent.body.conversation.id);
    return row?.status === 'sent' && row;
  });
  t.is(delivery.messageId, reply.message.id);
  t.is(delivery.externalId, `webchat:${reply.message.id}`);
});

test('after a handoff, the reply follows a visitor who left their email and went away; not one who is here', async (t) => {
  const parley = await startTestParley({ env: { EMAIL_SMTP_ENABLED: 'false', WEBCHAT_AGENT_WAIT_S: '0' } });
  t.teardown(parley.close);
  t.truthy(parley.parley.adapters.get('email'), 'the email feature is wired');
  const visitor = await Visitor.start(parley.url);
  const sent = await visitor.send('I need a refund for order 1234');
  const ticketId = sent.body.conversation.id;
  await visitor.request('POST', `/chat/api/conversations/${ticketId}/handoff`, {});
  const saved = await visitor.request('POST', `/chat/api/conversations/${ticketId}/follow-up`, { email: 'away@example.com' });
  t.is(saved.body.conversation.followUp.state, 'saved');

  // While the widget is open, the reply is only streamed.
  const view = await visitor.request('GET', `/chat/api/conversations/${ticketId}`);
  const events = openStream(`${parley.url}${view.body.stream}`);
  await events.next((f) => f.event === 'ticket');
  const present = await parley.parley.core.reply({ ticketId, authorType: 'agent', text: 'Looking into it now.' });
  await events.next((f) => f.event === 'message' && f.data.id === present.message.id);
  const first = await waitFor(async () => {
    const rows = await tickets.listDeliveries(parley.parley.db.knex, ticketId);
    const row = rows.find((d) => d.messageId === present.message.id);
    return row?.status === 'sent' && row;
  });
  t.is(first.externalId, `webchat:${present.message.id}`);
  t.deepEqual(outboxFiles(parley.dataDir), []);

  // The visitor closes the widget; the answer goes by email.
  events.close();
  await waitFor(async () => {
    const row = await parley.parley.db.knex('webchatConversations').where({ ticketId }).first();
    return row && row.lastSeenAt === null;
  });
  const away = await parley.parley.core.reply({ ticketId, authorType: 'agent', text: 'Your refund has been issued.' });
  const second = await waitFor(async () => {
    const rows = await tickets.listDeliveries(parley.parley.db.knex, ticketId);
    const row = rows.find((d) => d.messageId === away.message.id);
    return row?.status === 'sent' && row;
  });
  t.regex(second.externalId!, /^email:/);
  const files = outboxFiles(parley.dataDir);
  t.is(files.length, 1);
  const mail = fs.readFileSync(path.join(parley.dataDir, 'outbox', files[0]!), 'utf8');
  t.regex(mail, /^To: away@example\.com/m);
  t.regex(mail, /Your refund has been issued\./);
});
