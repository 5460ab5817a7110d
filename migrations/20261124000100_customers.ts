// Customers and the channel identities that point at them. Timestamps are
// epoch milliseconds (bigint) on every table: identical on SQLite and
// PostgreSQL and cheap to subtract for response-time figures.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('customers', (t) => {
    t.increments('id').primary();
    t.string('name', 200);
    t.string('email', 320);
    t.boolean('email_verified').notNullable().defaultTo(false);
    // ok | failing (a permanent bounce marks the address as failing)
    t.string('email_status', 16).notNullable().defaultTo('ok');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
  // One customer per verified address: the key identities are linked by.
  await knex.raw('CREATE UNIQUE INDEX customers_verified_email ON customers (email) WHERE email_verified');

  await knex.schema.createTable('identities', (t) => {
    t.increments('id').primary();
    t.integer('customer_id').notNullable().references('customers.id').onDelete('CASCADE');
    t.string('channel', 16).notNullable();
    t.string('external_user_id', 300).notNullable();
    t.string('email', 320);
    t.boolean('email_verified').notNullable().defaultTo(false);
    t.string('name', 200);
    t.bigInteger('created_at').notNullable();
    t.unique(['channel', 'external_user_id']);
    t.index(['customer_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('identities');
  await knex.schema.dropTable('customers');
}
