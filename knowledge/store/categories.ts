// Categories: found or created from an import's "Parent/Child" path, listed
// as a tree for the portal.
import type { Knex } from 'knex';
import { slugify } from '../text/slug.ts';
import type { Category, CategoryNode } from '../types.ts';

const columns = ['id', 'parentId', 'slug', 'name', 'description', 'position'] as const;

export async function listCategories(knex: Knex): Promise<Category[]> {
  return knex('categories').select(columns).orderBy([{ column: 'position' }, { column: 'name' }, { column: 'id' }]);
}

export async function findCategoryBySlug(knex: Knex, slug: string): Promise<Category | undefined> {
  return knex('categories').select(columns).where({ slug }).first();
}

/** The id of the category named by `path` ("Billing" or "Billing/Invoices"), created if missing. */
export async function ensureCategoryPath(knex: Knex, path: string, now: number): Promise<number | null> {
  const names = path
    .split('/')
    .map((n) => n.trim())
    .filter(Boolean)
    .slice(0, 2);
  let parentId: number | null = null;
  let parentSlug = '';
  for (const name of names) {
    const slug = parentSlug ? `${parentSlug}-${slugify(name)}` : slugify(name);
    const found = await knex('categories').select('id').where({ slug }).first();
    if (found) parentId = found.id;
    else {
      // Position 0: listed by name until someone orders them.
      const [row]: any[] = await knex('categories')
        .insert({ parentId, slug, name, position: 0, createdAt: now, updatedAt: now })
        .returning('id');
      parentId = typeof row === 'object' ? row.id : row;
    }
    parentSlug = slug;
  }
  return parentId;
}

export function categoryTree(categories: Category[], publishedCounts: Map<number, number>): CategoryNode[] {
  const nodes = new Map<number, CategoryNode>(categories.map((c) => [c.id, { ...c, articleCount: publishedCounts.get(c.id) ?? 0, children: [] }]));
  const roots: CategoryNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentId !== null ? nodes.get(node.parentId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}
