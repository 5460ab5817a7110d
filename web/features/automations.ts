// Automations that run on the clock: a periodic sweep auto-resolves tickets
// left waiting on the customer (status 'pending') for AUTO_RESOLVE_DAYS days,
// with a closing message on their channel; the survey follows through the
// core's status_changed follow-up. AUTO_RESOLVE_DAYS=0 turns it off.
// New tickets (not email: its first mail is the acknowledgement) get an
// acknowledgement on their channel, with an away note out of business hours.
import { z } from 'zod';
import { ACKNOWLEDGE_JOB, createAcknowledgeHandler } from '../../core/automations/acknowledge.ts';
import { parseHourRange } from '../../core/automations/business-hours.ts';
import { AutomationSweeper } from '../../core/automations/sweeper.ts';
import { parseEnvGroup } from '../config.ts';
import type { Feature } from '../server.ts';

export const automationsEnvSchema = z.object({
  AUTO_RESOLVE_DAYS: z.coerce.number({ error: 'expected a number of days' }).int().min(0).max(365).default(7),
  AUTO_RESOLVE_MESSAGE: z
    .string()
    .max(2000)
    .default('We have not heard back from you for {days} days, so we are closing request #{number}. Just reply to reopen it.'),
  // Off unless set: in chat the bot usually answers within seconds anyway.
  ACK_MESSAGE: z.string().max(2000).default(''),
  BUSINESS_HOURS_TZ: z
    .string()
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'expected an IANA time zone such as Europe/Paris')
    .optional(),
  BUSINESS_DAYS: z
    .string()
    .default('1,2,3,4,5')
    .transform((v) => v.split(',').map((d) => Number(d.trim())))
    .pipe(z.array(z.number().int().min(1, 'expected ISO weekdays 1-7').max(7, 'expected ISO weekdays 1-7')).min(1)),
  BUSINESS_HOURS: z
    .string()
    .default('09:00-17:00')
    .transform((v, ctx) => {
      try {
        return parseHourRange(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  OUT_OF_HOURS_MESSAGE: z.string().max(2000).default('Our team is away right now; you can expect an answer within {expected}.'),
  EXPECTED_RESPONSE: z.string().max(200).default('one business day'),
  AUTOMATION_SWEEP_SECONDS: z.coerce.number({ error: 'expected a number of seconds' }).int().min(5).max(86_400).default(300),
});

export const automations: Feature = (parts) => {
  const env = parseEnvGroup(automationsEnvSchema, parts.env);
  const sweeper = new AutomationSweeper({
    clock: parts.clock,
    logger: parts.logger,
    intervalMs: env.AUTOMATION_SWEEP_SECONDS * 1000,
    autoResolve: env.AUTO_RESOLVE_DAYS > 0 ? { core: parts.core, afterDays: env.AUTO_RESOLVE_DAYS, message: env.AUTO_RESOLVE_MESSAGE } : undefined,
  });
  const hours = env.BUSINESS_HOURS_TZ ? { timeZone: env.BUSINESS_HOURS_TZ, days: env.BUSINESS_DAYS, ...env.BUSINESS_HOURS } : undefined;
  parts.addFollowUp(
    'message.received',
    ACKNOWLEDGE_JOB,
    createAcknowledgeHandler({
      core: parts.core,
      text: env.ACK_MESSAGE,
      hours,
      outOfHoursText: env.OUT_OF_HOURS_MESSAGE,
      expectedResponse: env.EXPECTED_RESPONSE,
    }),
  );
  sweeper.start();
  parts.onStop(() => sweeper.stop());
};
