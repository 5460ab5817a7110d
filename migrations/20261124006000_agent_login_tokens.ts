// Single-use sign-in links for the agent desk: the same scheme as the
// customers' login_tokens (only the sha256 of the token is stored, spent in
// one conditional update), kept apart so a customer's link can never open
// the desk.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('agent_login_tokens', (t) => {
    t.increments('id').primary();
    t.string('token_hash', 64).notNullable().unique();
    t.integer('agent_id').notNullable().references('agents.id').onDelete('CASCADE');
    t.string('email', 320).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('used_at');
    t.index(['agent_id', 'created_at']);
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('agent_login_tokens');
}
