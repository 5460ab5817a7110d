// Web chat state that belongs to no other table: which visitor opened a
// conversation, when a browser last had it open (so replies to a visitor who
// left can follow by email) and the address they left for that.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('webchat_conversations', (t) => {
    t.integer('ticket_id').primary().references('tickets.id').onDelete('CASCADE');
    t.string('visitor_id', 300).notNullable();
    // Offline capture: where replies go when the visitor is not connected.
    t.string('follow_up_email', 320);
    // Refreshed while a widget streams the conversation (epoch ms).
    t.bigInteger('last_seen_at');
    t.bigInteger('created_at').notNullable();
    t.index(['visitor_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('webchat_conversations');
}
