// Tickets: one conversation thread on one channel, owned by one customer.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('tickets', (t) => {
    t.increments('id').primary();
    // The number customers see ("#1042"); assigned from the id at creation.
    t.integer('number').unique();
    t.integer('customer_id').notNullable().references('customers.id');
    t.string('subject', 300).notNullable();
    t.string('status', 16).notNullable().defaultTo('open'); // open|pending|resolved|closed
    t.string('priority', 16).notNullable().defaultTo('normal'); // low|normal|high|urgent
    t.string('channel', 16).notNullable();
    t.string('thread_key', 500).notNullable();
    t.json('reply_ref');
    t.integer('assignee_id').references('agents.id').onDelete('SET NULL');
    t.string('handler', 8).notNullable().defaultTo('bot'); // bot|human: who answers next
    t.string('handoff_reason', 64);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.bigInteger('first_response_at');
    t.bigInteger('resolved_at');
    t.bigInteger('last_customer_message_at');
    t.index(['customer_id', 'status']);
    t.index(['status', 'updated_at']);
  });
  // At most one live (not closed) ticket per thread: concurrent first messages
  // on one thread collide here and the loser retries onto the winner's ticket.
  await knex.raw(
    "CREATE UNIQUE INDEX tickets_live_thread ON tickets (channel, thread_key) WHERE status <> 'closed'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('tickets');
}
