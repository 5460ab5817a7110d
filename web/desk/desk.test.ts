// The agent desk in the whole service: an agent signs in from the outbox,
// finds handed-off conversations in the inbox, answers them on the channel
// the customer used (an email lands in the outbox as a threaded reply; a web
// chat reply arrives on the widget's live stream), keeps internal notes to
// the team, changes the ticket, and retries a delivery that failed.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import type { ChannelAdapter } from '../../core/index.ts';
import { DeliveryError } from '../../core/index.ts';
import { openStream as openChatStream, Visitor } from '../../channels/webchat/test-helpers.ts';
import { eventually, openStream, outboxMails } from '../portal/testing/portal-client.ts';
import { startTestParley, type TestParley } from '../testing/test-parley.ts';
import { DeskClient } from './testing/desk-client.ts';

let service: TestParley;
let smtpPort: number;
test.before(async () => {
  service = await startTestParley({ env: { EMAIL_ADDRESSES: 'help@acme.test', EMAIL_FROM: 'ACME Help <help@acme.test>', WEBCHAT_AGENT_WAIT_S: '0' } });
  smtpPort = (service.parley.adapters.get('email') as any).smtpPort;
});
test.after.always(async () => {
  await service?.close();
});

const knex = () => service.parley.db.knex;

async function mailIn(from: string, subject: string, text: string): Promise<number> {
  await nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, ignoreTLS: true } as any).sendMail({ from, to: 'help@acme.test', subject, text });
  const row = await eventually(async () => knex()('tickets').where({ subject, channel: 'email' }).first());
  return Number(row.id);
}

async function outboxMailFor(deliveryId: number) {
  const dir = path.join(service.dataDir, 'outbox');
  const file = await eventually(() => (fs.existsSync(dir) ? fs.readdirSync(dir).find((f) => f.endsWith(`-delivery-${deliveryId}.eml`)) : undefined), 8000);
  return simpleParser(fs.readFileSync(path.join(dir, file)));
}

test.serial('an agent signs in with a link from the outbox; an unknown address gets the same answer and no mail', async (t) => {
  await service.parley.db.knex('agents').insert({ email: 'lee@acme.test', name: 'Lee', createdAt: Date.now() }).onConflict('email').ignore();
  const client = new DeskClient(service.url);
  const before = outboxMails(service.dataDir).length;
  const known = await client.post('/desk/sign-in', { email: 'Lee@acme.test' });
  t.is(known.res.status, 200);
  t.regex(known.html, /Check your email/);
  const mail = await eventually(() => outboxMails(service.dataDir).slice(before).find((m) => m.includes('lee@acme.test')));
  const link = /https?:\/\/[^\s"<>]+\/desk\/sign-in\/link\/[A-Za-z0-9_-]{43}/.exec(mail.replace(/=\r?\n/g, '').replace(/=3D/g, '='))?.[0];
  t.truthy(link, 'the mail carries a desk sign-in link');

  const unknown = await client.post('/desk/sign-in', { email: 'someone@else.test' });
  t.is(unknown.res.status, 200);
  t.is(unknown.html.replace(/someone@else\.test/g, 'X').replace(/lee@acme\.test/gi, 'X').replace(/_csrf" value="[^"]+"/g, ''), known.html.replace(/Lee@acme\.test/gi, 'X').replace(/lee@acme\.test/gi, 'X').replace(/_csrf" value="[^"]+"/g, ''));

  const page = await client.get(new URL(link!).pathname);
  t.is(page.res.status, 200, 'GET only shows a button (mail scanners open links)');
  const signedIn = await client.post(new URL(link!).pathname);
  t.is(signedIn.res.status, 303);
  t.is(signedIn.res.headers.get('location'), '/desk');
  const inbox = await client.get('/desk');
  t.is(inbox.res.status, 200);
  t.regex(inbox.html, /Signed in as <span>Lee<\/span>/);
  t.is((await client.post(new URL(link!).pathname)).res.status, 410, 'a link works once');
});

test.serial('customers and strangers never reach desk pages', async (t) => {
  const { ticket } = await service.parley.core.receive({
    channel: 'webchat', externalId: 'matrix-1', threadKey: 'matrix-1', sender: { externalUserId: 'v-matrix', name: 'Mo' }, text: 'Hello there', attachments: [], receivedAt: Date.now(), replyRef: { visitor: 'v-matrix' },
  });
  await knex()('customers').where({ id: ticket.customerId }).update({ email: 'mo@customer.test', emailVerified: true });
  const customer = new DeskClient(service.url);
  await customer.signIn(service.parley, 'mo@customer.test');
  const stranger = new DeskClient(service.url);
  await stranger.ensureCsrf();
  const pages = ['/desk', `/desk/tickets/${ticket.number}`, '/desk/dashboard'];
  for (const who of [stranger, customer]) {
    for (const p of pages) {
      const { res } = await who.get(p);
      t.is(res.status, 302, `${p} redirects`);
      t.regex(res.headers.get('location') ?? '', /^\/desk\/sign-in\?next=/);
    }
    for (const p of [`/desk/tickets/${ticket.number}/reply`, `/desk/tickets/${ticket.number}/properties`, `/desk/tickets/${ticket.number}/hand-back`]) {
      const { res } = await who.post(p, { text: 'sneaky', status: 'closed' }, { headers: { accept: 'application/json' } });
      t.is(res.status, 401, `POST ${p} is refused`);
    }
    const stream = await who.request('GET', `/desk/tickets/${ticket.number}/stream`, { headers: { accept: 'text/event-stream' } });
    t.is(stream.status, 401);
    await stream.body?.cancel();
  }
  const untouched = await knex()('tickets').where({ id: ticket.id }).first();
  t.is(untouched.status, 'open');
  t.is((await knex()('messages').where({ ticketId: ticket.id, authorType: 'agent' })).length, 0);

  // Signed in as an agent: the pages open; an unknown ticket is a 404.
  const agent = new DeskClient(service.url);
  await agent.signInAgent(service.parley, 'ann@acme.test', 'Ann');
  for (const p of pages) t.is((await agent.get(p)).res.status, 200, p);
  t.is((await agent.get('/desk/tickets/999999')).res.status, 404);
  t.is((await agent.get('/desk/tickets/abc')).res.status, 404);
  // The desk session is not a portal session.
  const portal = await agent.get('/tickets');
  t.is(portal.res.status, 302);
});

test.serial('a handed-off email is answered from the desk: a threaded reply in the outbox; a note never leaves', async (t) => {
  const ticketId = await mailIn('Kim <kim@customer.test>', 'I want to talk to a human', 'Can I talk to a person please?');
  await eventually(async () => (await knex()('tickets').where({ id: ticketId }).first()).handler === 'human', 8000);
  const ticket = await knex()('tickets').where({ id: ticketId }).first();
  const agent = new DeskClient(service.url);
  await agent.signInAgent(service.parley, 'ann@acme.test', 'Ann');

  const inbox = await agent.get('/desk');
  t.regex(inbox.html, new RegExp(`href="/desk/tickets/${ticket.number}"`));
  t.regex(inbox.html, /Customer asked for a person/);
  t.regex(inbox.html, /<strong>Unassigned<\/strong>/);
  const byChannel = await agent.get('/desk?view=human&channel=slack');
  t.notRegex(byChannel.html, new RegExp(`/desk/tickets/${ticket.number}"`), 'filters apply');

  const view = await agent.get(`/desk/tickets/${ticket.number}`);
  t.regex(view.html, /Handed over: Customer asked for a person/);
  t.regex(view.html, /Can I talk to a person please\?/);

  const note = await agent.postMultipart(`/desk/tickets/${ticket.number}/reply`, { mode: 'note', text: 'VIP customer, be nice', status: 'pending' });
  t.is(note.res.status, 303);
  const reply = await agent.postMultipart(`/desk/tickets/${ticket.number}/reply`, { mode: 'reply', text: 'Hi Kim, Ann here. What can I do for you?', status: 'pending' });
  t.is(reply.res.status, 303);

  const noteRow = await knex()('messages').where({ ticketId, internal: true }).first();
  t.is(noteRow.bodyText, 'VIP customer, be nice');
  t.is((await knex()('deliveries').where({ messageId: noteRow.id })).length, 0, 'a note has no delivery');
  const replyRow = await knex()('messages').where({ ticketId, authorType: 'agent', internal: false }).first();
  const delivery = await knex()('deliveries').where({ messageId: replyRow.id }).first();
  t.is(delivery.channel, 'email');
  const mail = await outboxMailFor(delivery.id);
  t.is(mail.to && 'value' in mail.to ? mail.to.value[0]!.address : '', 'kim@customer.test');
  t.regex(mail.subject ?? '', new RegExp(`\\[#${ticket.number}\\]`));
  t.truthy(mail.inReplyTo, 'threaded on the customer\'s mail');
  t.regex(mail.text ?? '', /Ann here/);
  t.notRegex(mail.text ?? '', /VIP/);
  for (const raw of outboxMails(service.dataDir)) t.false(raw.includes('VIP customer'), 'the note is in no mail');

  const after = await knex()('tickets').where({ id: ticketId }).first();
  t.is(after.status, 'pending');
  t.truthy(after.assigneeId, 'answering took the ticket');
  await eventually(async () => (await knex()('deliveries').where({ id: delivery.id }).first()).status === 'sent');
  const shown = await agent.get(`/desk/tickets/${ticket.number}`);
  t.regex(shown.html, /Internal note/);
  t.regex(shown.html, /✓ Sent by Email/);
  const mine = await agent.get('/desk?view=mine&status=pending');
  t.regex(mine.html, new RegExp(`/desk/tickets/${ticket.number}"`));
});

test.serial('a handed-off chat is answered from the desk and arrives on the widget\'s live stream', async (t) => {
  const visitor = await Visitor.start(service.url);
  const sent = await visitor.send('I need to speak to a human');
  const conversationId = sent.body.conversation.id as number;
  const view = await visitor.request('GET', `/chat/api/conversations/${conversationId}`);
  const events = openChatStream(`${service.url}${view.body.stream}`);
  t.teardown(events.close);
  await eventually(async () => (await knex()('tickets').where({ id: conversationId }).first()).handler === 'human', 8000);
  const ticket = await knex()('tickets').where({ id: conversationId }).first();

  const agent = new DeskClient(service.url);
  await agent.signInAgent(service.parley, 'ann@acme.test', 'Ann');
  const inboxStream = await openStream(agent, '/desk/stream');
  t.teardown(() => inboxStream.close());
  await agent.postMultipart(`/desk/tickets/${ticket.number}/reply`, { mode: 'note', text: 'checking the account' });
  await agent.postMultipart(`/desk/tickets/${ticket.number}/reply`, { mode: 'reply', text: 'Hello from Ann at the desk', status: '' });
  const frame = await events.next((f) => f.event === 'message' && f.data.author === 'agent');
  t.regex(JSON.stringify(frame.data), /Hello from Ann at the desk/);
  t.false(events.frames.some((f) => JSON.stringify(f.data).includes('checking the account')), 'notes never reach the widget');
  await eventually(() => inboxStream.frames.some((f) => f.event === 'inbox'));
});

test.serial('status, priority, assignee, hand back, and a failed delivery retried from the ticket', async (t) => {
  const failing = { fail: true, sent: 0 };
  const adapter: ChannelAdapter = {
    channel: 'discord',
    start: async () => {},
    stop: async () => {},
    send: async () => {
      if (failing.fail) throw new DeliveryError('Missing Access (50001)', { permanent: true });
      failing.sent++;
      return { externalId: `d-${failing.sent}` };
    },
  };
  service.parley.adapters.set('discord', adapter);
  const { ticket } = await service.parley.core.receive({
    channel: 'discord', externalId: 'dm-1', threadKey: 'dm:1', sender: { externalUserId: 'u-1', name: 'Pat' }, text: 'my invoice is wrong, a person please', attachments: [], receivedAt: Date.now(), replyRef: { channelId: '1' },
  });
  await service.parley.core.handOff(ticket.id, 'customer_request', { type: 'customer' });
  const agent = new DeskClient(service.url);
  const ann = await agent.signInAgent(service.parley, 'ann@acme.test', 'Ann');
  const base = `/desk/tickets/${ticket.number}`;

  t.is((await agent.post(`${base}/properties`, { status: 'open', priority: 'urgent', assignee: String(ann.id) })).res.status, 303);
  let row = await knex()('tickets').where({ id: ticket.id }).first();
  t.is(row.priority, 'urgent');
  t.is(Number(row.assigneeId), ann.id);
  t.is((await agent.post(`${base}/properties`, { priority: 'sky-high' }, { headers: { accept: 'application/json' } })).res.status, 422);

  await agent.postMultipart(`${base}/reply`, { mode: 'reply', text: 'Looking at your invoice now', status: '' });
  const reply = await knex()('messages').where({ ticketId: ticket.id, authorType: 'agent' }).first();
  const delivery = await eventually(async () => {
    const d = await knex()('deliveries').where({ messageId: reply.id }).first();
    return d.status === 'dead' ? d : undefined;
  }, 8000);
  const failed = await agent.get(base);
  t.regex(failed.html, /Not delivered by Discord after 1 attempt: Missing Access \(50001\)/);
  t.regex(failed.html, new RegExp(`${base}/deliveries/${delivery.id}/retry`));

  failing.fail = false;
  t.is((await agent.post(`${base}/deliveries/${delivery.id}/retry`)).res.status, 303);
  await eventually(async () => (await knex()('deliveries').where({ id: delivery.id }).first()).status === 'sent', 8000);
  t.is(failing.sent, 1);
  t.is((await agent.post(`${base}/deliveries/${delivery.id}/retry`, {}, { headers: { accept: 'application/json' } })).res.status, 409, 'a sent delivery is not sent twice');

  t.is((await agent.post(`${base}/hand-back`)).res.status, 303);
  row = await knex()('tickets').where({ id: ticket.id }).first();
  t.is(row.handler, 'bot');
  const history = await agent.get(base);
  t.regex(history.html, /Ann set priority Urgent/);
  t.regex(history.html, /Ann retried a failed delivery/);
  t.regex(history.html, /Ann handed the ticket back to the bot/);
});

test.serial('the bot drafts a reply and suggested articles can be inserted as links', async (t) => {
  const { ticket } = await service.parley.core.receive({
    channel: 'webchat', externalId: 'draft-1', threadKey: 'draft-1', sender: { externalUserId: 'v-draft', name: 'Sam' }, text: 'How do I reset my password?', attachments: [], receivedAt: Date.now(), replyRef: { visitor: 'v-draft' },
  });
  const agent = new DeskClient(service.url);
  await agent.signInAgent(service.parley, 'ann@acme.test', 'Ann');
  const view = await agent.get(`/desk/tickets/${ticket.number}`);
  t.regex(view.html, /Suggested articles/);
  const articleId = /\/draft\?article=(\d+)/.exec(view.html)?.[1];
  t.truthy(articleId, 'an article is suggested');
  const draft = await agent.get(`/desk/tickets/${ticket.number}/draft`, { 'hx-request': 'true', 'hx-target': 'composer' });
  t.regex(draft.html, /Draft from the bot \(confidence \d+%\)/);
  t.regex(draft.html, /password/i);
  const linked = await agent.get(`/desk/tickets/${ticket.number}/draft?article=${articleId}&text=${encodeURIComponent('Hi Sam,')}`, { 'hx-request': 'true' });
  t.regex(linked.html, /Hi Sam,\n\n[^<]+: http[^<]+\/kb\//);
});
