// Single-use sign-in links. The link carries 32 random bytes; only their
// sha256 is stored. A token is spent by setting used_at in the same statement
// that checks it is unused and unexpired, so two clicks cannot both sign in.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('login_tokens', (t) => {
    t.increments('id').primary();
    t.string('token_hash', 64).notNullable().unique();
    t.integer('customer_id').notNullable().references('customers.id').onDelete('CASCADE');
    // The address the link was sent to: signing in proves this address.
    t.string('email', 320).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('used_at');
    t.index(['customer_id', 'created_at']);
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('login_tokens');
}
