// Every real-world fixture (shared/data/email/chatwoot, see its README for
// what is odd about each) goes through the same pipeline as SMTP and the
// mail:ingest pipe. Many fixtures share one Message-ID, so each gets its own
// fresh world; the threading fixtures then run together against seeded mail.
import fs from 'node:fs';
import test from 'ava';
import { fromJsonColumn } from '../../core/index.ts';
import { ANSWER_JOB, buildEmailWorld, FIXTURES, type EmailWorld } from './testing/email-world.ts';

interface Expectation {
  status: 'created' | 'appended' | 'duplicate' | 'ignored' | 'quarantined';
  from: string | null;
  subject: string;
  attachments?: string[];
  reason?: RegExp;
  text?: string | RegExp;
}

const AVATARS = ['avatar1.jpeg', 'avatar2.jpg'];
const DEBATE = "Discussion: Let's debate these attachments";
const avatarMail = (from = 'sony@chatwoot.com'): Expectation => ({ status: 'created', from, subject: DEBATE, attachments: AVATARS, text: "Let's talk about these images:" });

const expected: Record<string, Expectation> = {
  'attachments_without_text.eml': { status: 'created', from: 'hello@icloud.com', subject: 'Hello there', attachments: ['1kb.png', '1kb.png'] },
  'auto_reply.eml': { ...avatarMail(), status: 'ignored', reason: /X-Autoreply: yes/ },
  'auto_reply_with_auto_submitted.eml': { ...avatarMail(), status: 'ignored', reason: /Auto-Submitted: auto-generated/ },
  'bounced_gmail.eml': {
    status: 'ignored',
    from: 'mailer-daemon@googlemail.com',
    subject: 'Delivery Status Notification (Failure)',
    attachments: ['icon.png', 'delivery-status.txt', 'message.eml'],
    reason: /bounce.*alex\.jones@fictionalcorp\.com.*5\.1\.1.*not about any mail we sent/,
  },
  'bounced_with_no_from.eml': {
    status: 'ignored',
    from: null,
    subject: 'Undelivered Mail Returned to Sender',
    attachments: ['delivery-status.txt', 'message.eml'],
    reason: /bounce.*noreply@example-service\.com.*5\.7\.1/,
  },
  'cid_inline_images_without_disposition.eml': {
    status: 'created',
    from: 'sender@example.com',
    subject: 'Test inline image without Content-Disposition',
    attachments: ['image001.jpg'],
    text: 'This is a plain text version of the message.',
  },
  'email_with_inline_pdf.eml': { status: 'created', from: 'user@icloud.com', subject: 'Sample PDF', attachments: ['dummy.pdf'] },
  'forwarder_email.eml': avatarMail(),
  'group_sender_support.eml': avatarMail('jane@example.com'),
  'in_reply_to.eml': avatarMail(),
  'mail_with_inline_images.eml': {
    status: 'created',
    from: 'sony@chatwoot.com',
    subject: 'New inline image test email conversation',
    attachments: ['ptrol.jpeg'],
    text: '[image: ptrol.jpeg]\n\nHTML content and inline images',
  },
  'mail_with_invalid_to.eml': { status: 'quarantined', from: null, subject: 'Mailbox size limit exceeded', reason: /no usable sender address/ },
  'mail_with_invalid_to_2.eml': { status: 'created', from: 'mark@planetmars.com', subject: 'stranded in mars', text: 'hey v, can i get some help over here?' },
  'mail_with_no_date.eml': { status: 'created', from: 'testemail@gmail.com', subject: 'test text only mail', text: 'text only mail' },
  'mail_with_no_subject.eml': { ...avatarMail(), subject: '' },
  'mail_with_plain_text_and_inline_image.eml': {
    status: 'created',
    from: 'sony@chatwoot.com',
    subject: 'New inline image test email conversation',
    attachments: ['poster (8).jpg', 'poster (7).jpg', 'poster (1).jpg'],
  },
  'mail_with_quote.eml': {
    status: 'created',
    from: 'sony@chatwoot.com',
    subject: 'Re: Checking mail forwarding to cw inbox',
    text: 'Yes, I am providing you step how to reproduce this issue',
  },
  'mail_with_references.eml': { status: 'created', from: 'sony@chatwoot.com', subject: DEBATE, text: 'Email with references header' },
  'mail_with_uppercase_from.eml': avatarMail('test@chatwoot.com'),
  'malformed_reply_to.eml': { status: 'created', from: 'sender@example.com', subject: 'Empty Reply-To address', text: 'Regression fixture.' },
  'multiple_attachments.eml': { status: 'created', from: 'test@gmail.com', subject: 'multiple attachments' },
  'multiple_in_reply_to.eml': { status: 'created', from: 'sony@chatwoot.com', subject: DEBATE, text: "Let's talk about these images" },
  'non_utf_encoded_mail.eml': {
    status: 'ignored',
    from: 'example@gmail.com',
    subject: 'أهلين عميلنا الكريم',
    reason: /Auto-Submitted: auto-replied/,
    text: 'أنظروا، أنا أحتاجها فقط لتقوم بالتدقيق في مقالتي الشخصية',
  },
  'notification.eml': { status: 'created', from: 'accounts@chatwoot.com', subject: 'Sojan, A new conversation [ID - 873] has been assigned to you.' },
  'only_html.eml': { status: 'created', from: 'tejaswini@ex.com', subject: 'test html only mail', text: /this is html only mail/i },
  'only_text.eml': { status: 'created', from: 'text@example.com', subject: 'test text only mail', text: 'text only mail' },
  'references-same.eml': { status: 'created', from: 'email@gmail.com', subject: DEBATE, text: 'References Email' },
  'references.eml': { status: 'created', from: 'sony@chatwoot.com', subject: DEBATE, text: 'References Email' },
  'reply.eml': avatarMail(),
  'reply_cc.eml': { status: 'created', from: 'sony@quicksales.vn', subject: DEBATE, text: 'Hello,\n\nFind the related inbox.' },
  'reply_mail_without_uuid.eml': avatarMail(),
  'reply_to.eml': avatarMail(),
  'reply_uuid_in_cc.eml': { status: 'created', from: 'sony@chatwoot.com', subject: DEBATE, text: "Let's talk about these images:" },
  'support.eml': avatarMail(),
  'support_1.eml': { status: 'created', from: 'sony@chatwoot.com', subject: 'Get Paid to post an article', text: /^Hi,\n\nWe are providing you platform/ },
  'support_in_reply_to.eml': avatarMail(),
  'support_uppercase.eml': avatarMail(),
  'support_without_sender_name.eml': avatarMail(),
  'welcome.eml': avatarMail(),
};

test('the expectation table covers every fixture', (t) => {
  t.deepEqual(Object.keys(expected).sort(), fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.eml')).sort());
});

for (const [file, want] of Object.entries(expected)) {
  test.serial(`fixture ${file}`, async (t) => {
    const w = await buildEmailWorld();
    t.teardown(() => w.close());
    const result = await w.ingestFixture(file);
    t.is(result.status, want.status, result.reason ?? '');
    t.is(result.from, want.from);
    t.is(result.subject, want.subject);
    if (want.attachments) t.deepEqual(result.attachments.map((a) => a.filename), want.attachments);
    if (want.reason) t.regex(result.reason ?? '', want.reason);

    // The raw message is kept, byte for byte, whatever happened to it.
    const row = await w.db.knex('email_inbound').where({ id: result.inboundId }).first();
    t.is(row.status, want.status);
    t.deepEqual(await w.attachments.read(row.rawSha256), fs.readFileSync(`${FIXTURES}/${file}`));

    if (!result.message) return;
    const message = await w.db.knex('messages').where({ id: result.message }).first();
    if (want.text instanceof RegExp) t.regex(message.bodyText, want.text);
    else if (want.text !== undefined) t.is(message.bodyText, want.text);
    const meta = fromJsonColumn<any>(message.meta);
    t.is(Boolean(meta.noReply), want.status === 'ignored');
    // Automatic mail is on record but never queues a bot answer; a person's mail does.
    const jobs = await w.db.knex('jobs').where({ type: ANSWER_JOB });
    t.is(jobs.length, want.status === 'ignored' ? 0 : 1);
    const stored = await w.db.knex('attachments').where({ messageId: message.id }).orderBy('id');
    t.deepEqual(stored.map((a: any) => a.filename), result.attachments.map((a) => a.filename));
  });
}

test.serial('sender identity, reply address, inline parts and HTML details', async (t) => {
  const w = await buildEmailWorld();
  t.teardown(() => w.close());

  const arabic = await w.ingestFixture('non_utf_encoded_mail.eml');
  const customer = await w.db.knex('customers').where({ email: 'example@gmail.com' }).first();
  t.is(customer.name, 'متجر سوق نت');
  t.truthy(customer.emailVerified);
  const identity = await w.db.knex('identities').where({ customerId: customer.id }).first();
  t.is(identity.channel, 'email');
  t.is(identity.externalUserId, 'example@gmail.com');
  t.truthy(arabic.ticket);

  const upper = await w.ingestFixture('support_uppercase.eml');
  const ticket = await w.db.knex('tickets').where({ id: upper.ticket!.id }).first();
  t.is(fromJsonColumn<any>(ticket.replyRef).to, 'sony@chatwoot.com');

  // A Reply-To that is a real address is where we answer; a broken one is ignored.
  const withReplyTo = await buildEmailWorld();
  t.teardown(() => withReplyTo.close());
  const r = await withReplyTo.ingestFixture('reply_to.eml');
  const t2 = await withReplyTo.db.knex('tickets').where({ id: r.ticket!.id }).first();
  t.is(fromJsonColumn<any>(t2.replyRef).to, 'reply+someidmfdvkjdnkjciwyreowuero83@chatwoot.com');
  const malformed = await w.ingestFixture('malformed_reply_to.eml');
  const t3 = await w.db.knex('tickets').where({ id: malformed.ticket!.id }).first();
  t.is(fromJsonColumn<any>(t3.replyRef).to, 'sender@example.com');

  const cid = await w.ingestFixture('cid_inline_images_without_disposition.eml');
  const [image] = await w.db.knex('attachments').where({ messageId: cid.message });
  t.is(image.contentId, 'image001.jpg@test');
  t.truthy(image.inline);
  const html = await w.db.knex('messages').where({ id: cid.message }).first();
  t.regex(html.bodyHtml, /cid:image001\.jpg@test/);

  const attached = await withReplyTo.db.knex('attachments').where({ messageId: r.message }).orderBy('id');
  t.deepEqual(attached.map((a: any) => Boolean(a.inline)), [false, false], 'Content-Disposition: attachment wins over multipart/related');

  const quoted = await w.ingestFixture('mail_with_quote.eml');
  const q = await w.db.knex('messages').where({ id: quoted.message }).first();
  t.notRegex(q.bodyHtml ?? '', /gmail_quote|wrote:/);
  t.true(fromJsonColumn<any>(q.meta).email.folded);
});

test.serial('threading fixtures thread onto the ticket whose Message-IDs they cite', async (t) => {
  const w = await buildEmailWorld();
  t.teardown(() => w.close());
  const ticketId = await seedSentMail(w, 'sony@chatwoot.com', '4e6e35f5a38b4_479f13bb90078178@small-app-01.mail');

  const refs = await w.ingestFixture('references.eml'); // In-Reply-To and References cite it
  t.is(refs.status, 'appended');
  t.is(refs.ticket!.id, ticketId);
  const multi = await w.ingestFixture('multiple_in_reply_to.eml'); // only References does
  t.is(multi.status, 'appended');
  t.is(multi.ticket!.id, ticketId);
  const same = await w.ingestFixture('mail_with_references.eml'); // same Message-ID as references.eml
  t.is(same.status, 'duplicate');
  t.is(same.ticket!.id, ticketId);
  const again = await w.ingestFixture('references-same.eml'); // same Message-ID once more, another From
  t.is(again.status, 'duplicate');
  t.is(again.ticket!.id, ticketId);
  const auto = await w.ingestFixture('non_utf_encoded_mail.eml'); // auto-reply citing it (comma-separated)
  t.is(auto.status, 'ignored');
  t.is(auto.ticket!.id, ticketId);
  const customerMessages = await w.db.knex('messages').where({ ticketId, authorType: 'customer' });
  t.is(customerMessages.length, 4, 'the seed and three distinct replies');
});

test.serial('a bounce of our mail lands on its ticket and marks the address failing', async (t) => {
  const w = await buildEmailWorld();
  t.teardown(() => w.close());
  const ticketId = await seedSentMail(w, 'alex.jones@fictionalcorp.com', 'conversation/93775311-9416-4428-964b-862001f8a8b2/messages/27855337@gmail.com');
  const result = await w.ingestFixture('bounced_gmail.eml');
  t.is(result.status, 'ignored');
  t.is(result.ticket!.id, ticketId);
  t.regex(result.reason!, /failed for good: alex\.jones@fictionalcorp\.com/);
  const customer = await w.db.knex('customers').where({ email: 'alex.jones@fictionalcorp.com' }).first();
  t.is(customer.emailStatus, 'failing');
  const [event] = await w.db.knex('ticket_events').where({ ticketId, type: 'email_bounced' });
  t.deepEqual(fromJsonColumn<any>(event.data).permanent, ['alex.jones@fictionalcorp.com']);
  const message = await w.db.knex('messages').where({ id: result.message }).first();
  t.is(fromJsonColumn<any>(message.meta).email.bounce.status, '5.1.1');
  t.true(fromJsonColumn<any>(message.meta).noReply);

  // The same customer writing again proves the address works.
  const again = await w.ingestRaw(
    'From: Alex <alex.jones@fictionalcorp.com>\r\nTo: support@parley.test\r\nSubject: back\r\nMessage-ID: <back@x.test>\r\n\r\nI fixed my mailbox.\r\n',
  );
  t.is(again.status, 'created');
  t.is((await w.db.knex('customers').where({ id: customer.id }).first()).emailStatus, 'ok');
});

/** A ticket for `customer` with one delivered mail whose Message-ID is `sentId`. */
async function seedSentMail(w: EmailWorld, customer: string, sentId: string): Promise<number> {
  const first = await w.ingestRaw(`From: ${customer}\r\nTo: support@parley.test\r\nSubject: Seed\r\nMessage-ID: <seed-${sentId}>\r\n\r\nHello\r\n`);
  const { deliveryIds } = await w.core.reply({ ticketId: first.ticket!.id, authorType: 'agent', text: 'Answer' });
  await w.db.knex('deliveries').where({ id: deliveryIds[0] }).update({ status: 'sent', externalId: sentId });
  return first.ticket!.id;
}
