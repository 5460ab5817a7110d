// Knowledge-base categories, nested one level: a top category may hold
// subcategories, which hold articles.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('categories', (t) => {
    t.increments('id').primary();
    t.integer('parent_id').references('categories.id').onDelete('CASCADE');
    t.string('slug', 200).notNullable().unique();
    t.string('name', 200).notNullable();
    t.text('description');
    t.integer('position').notNullable().defaultTo(0);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['parent_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('categories');
}
