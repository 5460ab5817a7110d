// Acknowledgement of a new ticket on its channel, with an out-of-hours note
// (and the expected response time) when nobody is at work. Runs as the
// 'message.received' follow-up for messages that opened a ticket; auto-replies
// and bounces (noReply) never get there. Email is skipped: the email channel
// already frames the ticket's first mail as the acknowledgement, and a second
// mail would double it.
import type { ConversationCore } from '../conversation-core.ts';
import { fromJsonColumn } from '../json.ts';
import type { FollowUpPayload } from '../jobs/job-runner.ts';
import { parseReply, storeReply } from '../reply.ts';
import { Ticket } from '../tickets/models.ts';
import { isOpen, type BusinessHours } from './business-hours.ts';

export const ACKNOWLEDGE_JOB = 'automation.acknowledge';

export interface AcknowledgeOptions {
  core: ConversationCore;
  /** Text for a new ticket; {number} is the ticket number. Empty: no acknowledgement in hours. */
  text: string;
  hours?: BusinessHours;
  /** Added (or sent alone) out of hours; {expected} is expectedResponse. */
  outOfHoursText: string;
  expectedResponse: string;
  /** Channels that acknowledge by themselves. */
  skipChannels?: string[];
}

export function createAcknowledgeHandler(options: AcknowledgeOptions) {
  return async function acknowledge(payload: FollowUpPayload): Promise<void> {
    if (!payload.created) return;
    await options.core.transaction(async (tx) => {
      const ticket = await Ticket.query(tx.trx).findById(payload.ticketId);
      if (!ticket || (options.skipChannels ?? ['email']).includes(ticket.channel)) return;
      // Idempotent: the job may run twice.
      const earlier = await tx.trx('messages').where({ ticketId: ticket.id, authorType: 'system' }).select('meta');
      if (earlier.some((row: { meta: unknown }) => fromJsonColumn<{ automation?: string } | null>(row.meta)?.automation === 'acknowledgement')) return;
      const closed = options.hours ? !isOpen(options.hours, tx.now) : false;
      const lines = [options.text.replaceAll('{number}', String(ticket.number))];
      if (closed) lines.push(options.outOfHoursText.replaceAll('{expected}', options.expectedResponse));
      const text = lines.filter((line) => line.trim()).join('\n\n');
      if (!text) return;
      await storeReply(tx, parseReply({ ticketId: ticket.id, authorType: 'system', purpose: 'acknowledgement', text, meta: { automation: 'acknowledgement', outOfHours: closed } }));
    });
  };
}
