// A handoff lasts until the ticket is resolved: once a person (or the
// customer) resolves it, the bot answers again when the customer next writes.
import type { ConversationCore } from '../conversation-core.ts';
import type { FollowUpPayload, JobHandler } from '../jobs/job-runner.ts';
import { Ticket } from '../tickets/models.ts';

export const BOT_RESUME_JOB = 'bot.resume';

export function createBotResumeJob(deps: { core: ConversationCore }): JobHandler {
  return async function resumeBotAfterResolve(payload: FollowUpPayload) {
    if (payload.data?.to !== 'resolved') return;
    const ticket = await Ticket.query(deps.core.db.knex).findById(payload.ticketId);
    // Still resolved and still with a person (a reply may have reopened it since).
    if (!ticket || ticket.status !== 'resolved' || ticket.handler !== 'human') return;
    await deps.core.handBack(ticket.id, { type: 'system' });
  };
}
