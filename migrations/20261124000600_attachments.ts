// Attachments: content-addressed files under the data dir; metadata here.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('attachments', (t) => {
    t.increments('id').primary();
    t.integer('message_id').references('messages.id').onDelete('CASCADE');
    t.string('sha256', 64).notNullable();
    t.string('filename', 300).notNullable();
    t.string('content_type', 200).notNullable();
    t.bigInteger('size').notNullable();
    t.string('content_id', 300); // inline (cid:) parts of email
    t.boolean('inline').notNullable().defaultTo(false);
    t.bigInteger('created_at').notNullable();
    t.index(['message_id']);
    t.index(['sha256']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('attachments');
}
