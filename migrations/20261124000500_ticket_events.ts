// Ticket history: created, message, status changed, assigned, rated, handed off...
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('ticket_events', (t) => {
    t.increments('id').primary();
    t.integer('ticket_id').notNullable().references('tickets.id').onDelete('CASCADE');
    t.string('type', 32).notNullable();
    t.string('actor_type', 16).notNullable(); // customer|bot|agent|system
    t.integer('actor_id');
    t.json('data');
    t.bigInteger('created_at').notNullable();
    t.index(['ticket_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('ticket_events');
}
