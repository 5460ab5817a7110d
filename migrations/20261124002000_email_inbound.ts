// The inbound mail log: one row per message that reached us (SMTP or the
// mail:ingest pipe). The raw bytes are stored content-addressed (attachment
// store) and this row written BEFORE the message is parsed, so a parser
// failure or a crash never loses mail; the row then records what became of
// it, and quarantined mail can be re-run with `parley mail:reprocess`.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('email_inbound', (t) => {
    t.increments('id').primary();
    t.string('raw_sha256', 64).notNullable();
    t.bigInteger('raw_size').notNullable();
    t.string('source', 8).notNullable(); // smtp | pipe
    t.json('envelope'); // { from, to[], remoteAddress }
    // received | created | appended | duplicate | ignored | quarantined
    t.string('status', 16).notNullable();
    t.text('reason');
    // The Message-ID header (without angle brackets): every id we see is kept.
    t.string('header_message_id', 500);
    t.integer('ticket_id').references('tickets.id').onDelete('SET NULL');
    t.integer('message_id').references('messages.id').onDelete('SET NULL');
    t.integer('attempts').notNullable().defaultTo(0);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['status', 'id']);
    t.index(['header_message_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('email_inbound');
}
