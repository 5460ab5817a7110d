// The outbox: one row per outbound message per target channel, claimed by the
// delivery worker with a lease, retried with backoff, ending sent or dead.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('deliveries', (t) => {
    t.increments('id').primary();
    t.integer('message_id').notNullable().references('messages.id').onDelete('CASCADE');
    t.integer('ticket_id').notNullable().references('tickets.id').onDelete('CASCADE');
    t.string('channel', 16).notNullable();
    t.json('reply_ref');
    t.string('status', 16).notNullable().defaultTo('pending'); // pending|working|sent|dead
    t.integer('attempts').notNullable().defaultTo(0);
    t.bigInteger('next_attempt_at').notNullable();
    t.string('lease_owner', 64);
    t.bigInteger('lease_until');
    t.text('last_error');
    t.string('external_id', 500); // the platform's id for what we sent
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.bigInteger('sent_at');
    t.index(['status', 'next_attempt_at']);
    t.index(['message_id']);
    t.index(['channel', 'external_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('deliveries');
}
