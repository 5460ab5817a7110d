// Satisfaction surveys: at most one per ticket, sent when an answered ticket
// is resolved, answered by a csat rating from any channel.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('surveys', (t) => {
    t.increments('id').primary();
    t.integer('ticket_id').notNullable().unique().references('tickets.id').onDelete('CASCADE');
    t.integer('customer_id').notNullable().references('customers.id');
    t.string('channel', 16).notNullable();
    t.integer('message_id').references('messages.id').onDelete('SET NULL');
    t.integer('rating_id').references('ratings.id').onDelete('SET NULL');
    t.bigInteger('sent_at').notNullable();
    t.bigInteger('answered_at');
    t.index(['customer_id', 'answered_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('surveys');
}
