// Messages: every customer, bot, agent and system message of a ticket.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('messages', (t) => {
    t.increments('id').primary();
    t.integer('ticket_id').notNullable().references('tickets.id').onDelete('CASCADE');
    t.string('author_type', 16).notNullable(); // customer|bot|agent|system
    t.integer('author_id'); // customer id or agent id, by author_type
    t.text('body_text').notNullable();
    t.text('body_html'); // sanitised
    t.boolean('internal').notNullable().defaultTo(false);
    t.string('channel', 16).notNullable();
    // The platform's own id: processed at most once per (channel, external_id).
    t.string('external_id', 500);
    t.json('meta'); // citations, confidence, handoff, platform extras
    t.bigInteger('created_at').notNullable();
    t.unique(['channel', 'external_id']);
    t.index(['ticket_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('messages');
}
