// Automations that run on the clock: a periodic sweep auto-resolves tickets
// left waiting on the customer (status 'pending') for AUTO_RESOLVE_DAYS days,
// with a closing message on their channel; the survey follows through the
// core's status_changed follow-up. AUTO_RESOLVE_DAYS=0 turns it off.
import { z } from 'zod';
import { AutomationSweeper } from '../../core/automations/sweeper.ts';
import { parseEnvGroup } from '../config.ts';
import type { Feature } from '../server.ts';

export const automationsEnvSchema = z.object({
  AUTO_RESOLVE_DAYS: z.coerce.number({ error: 'expected a number of days' }).int().min(0).max(365).default(7),
  AUTO_RESOLVE_MESSAGE: z
    .string()
    .max(2000)
    .default('We have not heard back from you for {days} days, so we are closing request #{number}. Just reply to reopen it.'),
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
  sweeper.start();
  parts.onStop(() => sweeper.stop());
};
