// Status-change notifications for email tickets. They run as durable
// follow-up jobs on 'status_changed' and are sent as system messages through
// core.reply, so the outbox retries them and dead letters apply. A job may run
// twice (a worker died): the job id is stamped on the message and checked
// first, so the customer gets one mail.
//
// Two notices are not sent from here, to avoid a second mail about the same
// thing: the acknowledgement of a new ticket rides on its first mail
// (normally the bot's answer or hand-off notice, see render.ts), and an
// answered ticket's resolution is announced by the core's survey message
// ("Your request #N has been resolved...", rendered with rating links).
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { fromJsonColumn, type ConversationCore, type FollowUpPayload, type JobHandler } from '../../core/index.ts';

export const STATUS_NOTICE_JOB = 'email.status_notice';

export interface NotificationDeps {
  core: ConversationCore;
  knex: Knex;
  logger: Logger;
}

interface StoredMessage {
  authorType: string;
  internal: boolean;
  meta: Record<string, unknown>;
}

export function statusNoticeHandler(deps: NotificationDeps): JobHandler {
  return async function emailStatusNotice(payload: FollowUpPayload, job) {
    const { knex, core } = deps;
    if (payload.actor?.type === 'customer') return; // they did it; they know
    const ticket = await knex('tickets')
      .join('customers', 'customers.id', 'tickets.customerId')
      .where('tickets.id', payload.ticketId)
      .first('tickets.id as id', 'tickets.number as number', 'tickets.channel as channel', 'customers.emailStatus as emailStatus');
    if (!ticket || ticket.channel !== 'email' || ticket.emailStatus === 'failing') return;

    const messages: StoredMessage[] = (await knex('messages').where({ ticketId: ticket.id }).select('authorType', 'internal', 'meta')).map(
      (m: { authorType: string; internal: unknown; meta: unknown }) => ({
        authorType: m.authorType,
        internal: Boolean(m.internal),
        meta: fromJsonColumn<Record<string, unknown> | null>(m.meta) ?? {},
      }),
    );
    // Never write to a ticket that holds nothing but auto-replies and bounces.
    if (!messages.some((m) => m.authorType === 'customer' && !m.meta.noReply)) return;
    const key = `job:${job.id}`;
    if (messages.some((m) => m.meta.emailNotice === key)) return;

    const text = noticeText(payload, ticket.number, messages);
    if (!text) return;
    await core.reply({ ticketId: ticket.id, authorType: 'system', purpose: 'notification', text, meta: { emailNotice: key } });
    deps.logger.debug({ ticketId: ticket.id, job: job.id }, 'email status notice queued');
  };
}

/** Did a person, or the bot with a real answer, answer the customer? (The core surveys exactly those.) */
function answered(messages: StoredMessage[]): boolean {
  return messages.some((m) => {
    if (m.internal || (m.authorType !== 'agent' && m.authorType !== 'bot')) return false;
    const purpose = m.meta.purpose ?? 'reply';
    return purpose === 'reply' || (purpose === 'answer' && !m.meta.handoff);
  });
}

function noticeText(payload: FollowUpPayload, number: number, messages: StoredMessage[]): string | undefined {
  const { from, to } = (payload.data ?? {}) as { from?: string; to?: string };
  if (to === 'resolved') {
    if (answered(messages)) return undefined; // the survey mail says it
    return `We have marked your request [#${number}] as resolved. If something is still open, just reply to this email and it reopens.`;
  }
  if (to === 'closed' && from !== 'resolved') {
    return `Your request [#${number}] has been closed. Write to us any time if you need more help.`;
  }
  if (to === 'open' && (from === 'resolved' || from === 'closed')) {
    return `Your request [#${number}] has been reopened; we will get back to you.`;
  }
  // open <-> pending changes come with a reply that already tells the customer.
  return undefined;
}
