// The satisfaction survey: when a ticket is resolved, one system message with
// purpose 'survey' goes out on the ticket's channel, which renders it natively
// (buttons in chat, one-click links with a confirm step in email). Rules:
// once per ticket; only if a person or the bot actually answered; never for
// tickets that hold nothing but auto-replies or bounces.
import { recordAnalytics } from '../analytics/record.ts';
import type { ConversationCore } from '../conversation-core.ts';
import type { FollowUpPayload } from '../jobs/job-runner.ts';
import { parseReply, storeReply } from '../reply.ts';
import { Ticket } from '../tickets/models.ts';
import type { Tx } from '../transaction.ts';

export const SURVEY_JOB = 'survey.send';

export function surveyText(ticketNumber: number): string {
  return `Your request #${ticketNumber} has been resolved. How would you rate the help you received, from 1 (poor) to 5 (excellent)?`;
}

export function createSurveyHandler(core: ConversationCore) {
  return async function sendSurvey(payload: FollowUpPayload): Promise<void> {
    if (payload.data?.to !== 'resolved') return;
    await core.transaction((tx) => sendSurveyIfDue(tx, payload.ticketId));
  };
}

export async function sendSurveyIfDue(tx: Tx, ticketId: number): Promise<number | null> {
  const { trx, now } = tx;
  const ticket = await Ticket.query(trx).findById(ticketId);
  // Reopened (or closed by hand) since the job was enqueued: no survey now.
  if (!ticket || ticket.status !== 'resolved') return null;
  if (await trx('surveys').where({ ticketId }).first('id')) return null;
  if (!(await wasAnswered(tx, ticketId))) return null;
  if (!(await hasRealCustomerMessage(tx, ticketId))) return null;

  const [inserted] = await trx('surveys')
    .insert({ ticketId, customerId: ticket.customerId, channel: ticket.channel, sentAt: now })
    .returning('id');
  const surveyId = inserted.id as number;
  const { message } = await storeReply(
    tx,
    parseReply({ ticketId, authorType: 'system', purpose: 'survey', text: surveyText(ticket.number), meta: { surveyId } }),
  );
  await trx('surveys').where({ id: surveyId }).update({ messageId: message.id });
  await recordAnalytics(trx, { type: 'survey_sent', at: now, channel: ticket.channel, ticketId, customerId: ticket.customerId });
  return surveyId;
}

async function wasAnswered(tx: Tx, ticketId: number): Promise<boolean> {
  const rows = await tx.trx('messages').where({ ticketId, internal: false }).whereIn('authorType', ['bot', 'agent']).select('meta');
  return rows.some((row: { meta: unknown }) => {
    const meta = typeof row.meta === 'string' ? JSON.parse(row.meta) : (row.meta as Record<string, unknown> | null);
    const purpose = meta?.purpose ?? 'reply';
    return purpose === 'reply' || (purpose === 'answer' && !meta?.handoff);
  });
}

async function hasRealCustomerMessage(tx: Tx, ticketId: number): Promise<boolean> {
  const rows = await tx.trx('messages').where({ ticketId, authorType: 'customer' }).select('meta');
  return rows.some((row: { meta: unknown }) => {
    const meta = typeof row.meta === 'string' ? JSON.parse(row.meta) : (row.meta as Record<string, unknown> | null);
    return !meta?.noReply;
  });
}
