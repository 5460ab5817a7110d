// Agent accounts: the people who answer handed-off tickets at the desk.
// Creating one is idempotent by address (an existing agent keeps its id; a
// given name replaces the old one), so the command can be re-run safely.
import type { Knex } from 'knex';
import { z } from 'zod';
import { Agent } from '../../core/customers/models.ts';
import type { Clock } from '../../core/types.ts';

export const agentInput = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email({ error: 'expected an email address' })).pipe(z.string().max(320)),
  name: z.string().trim().min(1).max(200).optional(),
});

export async function addAgent(knex: Knex, clock: Clock, input: z.input<typeof agentInput>): Promise<{ agent: Agent; created: boolean }> {
  const { email, name } = agentInput.parse(input);
  const existing = await Agent.query(knex).findOne({ email });
  if (existing) {
    if (name && name !== existing.name) await Agent.query(knex).patch({ name }).where({ id: existing.id });
    return { agent: { ...existing, name: name ?? existing.name } as Agent, created: false };
  }
  const agent = await Agent.query(knex).insertAndFetch({ email, name: name ?? null, createdAt: clock.now() });
  return { agent, created: true };
}
