// The desk's inbox views: "needs a human" filters on handler and status and
// "mine" on the assignee; without these, every inbox load (and every live
// reload) scans the tickets table.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tickets', (t) => {
    t.index(['handler', 'status', 'assignee_id'], 'tickets_desk_handler');
    t.index(['assignee_id', 'status'], 'tickets_desk_assignee');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tickets', (t) => {
    t.dropIndex(['handler', 'status', 'assignee_id'], 'tickets_desk_handler');
    t.dropIndex(['assignee_id', 'status'], 'tickets_desk_assignee');
  });
}
