// Article chunks: the passages retrieval works on, each with its embedding.
// This table is the source of truth for the vector and lexical indexes under
// DATA_DIR, which are derived caches rebuilt from it. A chunk row never
// changes its text: changed text is a new row (new id), so ids identify
// index entries across restarts and instances.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('article_chunks', (t) => {
    t.increments('id').primary();
    t.integer('article_id').notNullable().references('articles.id').onDelete('CASCADE');
    t.integer('position').notNullable();
    t.text('text').notNullable();
    // sha256 of the embedded input (title + text): unchanged input keeps its embedding.
    t.string('text_hash', 64).notNullable();
    t.binary('embedding').notNullable(); // float32 little-endian
    t.string('embedding_model', 200).notNullable();
    t.bigInteger('created_at').notNullable();
    t.index(['article_id', 'position']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('article_chunks');
}
