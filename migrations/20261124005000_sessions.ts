// Browser sessions for the portal (and, later, the agent desk). The cookie
// holds a random 256-bit id; only its sha256 is stored, so a copy of the
// database does not hand out live sessions. A session belongs to a customer
// or an agent, ends when idle for too long or at its absolute expiry, and is
// deleted at sign-out.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sessions', (t) => {
    t.string('id_hash', 64).primary();
    t.integer('customer_id').references('customers.id').onDelete('CASCADE');
    t.integer('agent_id').references('agents.id').onDelete('CASCADE');
    // How the holder proved who they are: link | host | operator.
    t.string('method', 16).notNullable();
    t.bigInteger('created_at').notNullable();
    // Refreshed at most once a minute while the session is used.
    t.bigInteger('last_seen_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.index(['customer_id']);
    t.index(['agent_id']);
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sessions');
}
