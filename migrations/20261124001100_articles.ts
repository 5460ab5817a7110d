// Knowledge-base articles: markdown bodies with a category, tags and a
// draft/published status, plus the counters the portal and the bot keep.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('articles', (t) => {
    t.increments('id').primary();
    t.string('slug', 200).notNullable().unique();
    t.string('title', 300).notNullable();
    t.text('body').notNullable(); // markdown
    t.text('summary').notNullable().defaultTo(''); // first paragraph, plain text
    t.integer('category_id').references('categories.id').onDelete('SET NULL');
    t.json('tags'); // string[]
    t.string('status', 16).notNullable().defaultTo('published'); // draft|published
    // sha256 of what the article says (title, body, category, tags, status):
    // a re-import that changes nothing writes nothing.
    t.string('content_hash', 64).notNullable();
    t.integer('view_count').notNullable().defaultTo(0);
    t.integer('helpful_count').notNullable().defaultTo(0);
    t.integer('not_helpful_count').notNullable().defaultTo(0);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['category_id']);
    t.index(['status']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('articles');
}
