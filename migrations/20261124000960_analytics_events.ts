// Analytics events: one row per thing worth counting (ticket created, bot
// answered, handoff, deflection, article viewed/rated, rating, survey sent or
// answered, first response, resolution, search). Figures are computed from
// here, so the dashboard never scans the operational tables.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('analytics_events', (t) => {
    t.bigIncrements('id').primary();
    t.string('type', 32).notNullable();
    t.bigInteger('occurred_at').notNullable();
    t.integer('day').notNullable(); // whole days since the epoch (UTC), for grouping
    t.string('channel', 16);
    t.integer('ticket_id');
    t.integer('customer_id');
    t.integer('article_id');
    t.string('actor', 8); // bot | human: who answered or resolved
    t.double('value'); // milliseconds, a score, a relevance...
    t.string('label', 200); // a handoff reason, a search term...
    t.json('data');
    // Covering index: every dashboard query is a range scan of one type over a
    // period that never touches the table itself.
    t.index(['type', 'occurred_at', 'day', 'channel', 'actor', 'value', 'label'], 'analytics_events_covering');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('analytics_events');
}
