// Ratings from every channel: an answer (helpful yes/no), a conversation
// (CSAT 1-5) or an article (helpful yes/no).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('ratings', (t) => {
    t.increments('id').primary();
    t.string('kind', 16).notNullable(); // answer|csat|article
    t.integer('ticket_id').references('tickets.id').onDelete('CASCADE');
    t.integer('message_id').references('messages.id').onDelete('CASCADE');
    t.integer('article_id');
    t.integer('customer_id').references('customers.id').onDelete('SET NULL');
    t.integer('score').notNullable(); // answer/article: 1 helpful, 0 not; csat: 1-5
    t.text('comment');
    t.string('channel', 16);
    // What was rated, as one string, so a second rating updates the first.
    t.string('subject_key', 100).notNullable().unique();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['ticket_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('ratings');
}
