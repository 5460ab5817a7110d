// The reply address an email ticket keeps (tickets.reply_ref): who to write
// to and which message we are answering. Refreshed by the core on every new
// customer mail, so the newest message is the one we reply to.
import { z } from 'zod';

export const emailReplyRefSchema = z.object({
  to: z.string().min(3).max(320),
  name: z.string().max(200).optional(),
  /** Their Message-ID we answer (without brackets). */
  messageId: z.string().max(500).optional(),
  /** The thread so far, oldest first, without brackets. */
  references: z.array(z.string().max(500)).max(50).default([]),
  subject: z.string().max(300).optional(),
});
export type EmailReplyRef = z.input<typeof emailReplyRefSchema>;
export type ParsedEmailReplyRef = z.output<typeof emailReplyRefSchema>;
