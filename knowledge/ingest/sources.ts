// Reads what `kb:import` is pointed at: a folder of markdown files with front
// matter (title, category, tags, slug, status), one markdown file, or a
// .jsonl file of {"id","title","body","category"?,"tags"?} lines. Everything
// is validated here, with the file (and line) named in the error.
import fs from 'node:fs';
import path from 'node:path';
import matter from 'gray-matter';
import { z } from 'zod';
import { SLUG_PATTERN, slugify } from '../text/slug.ts';
import type { ArticleInput } from '../types.ts';

export class ImportSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportSourceError';
  }
}

const tagsSchema = z
  .union([z.array(z.string().min(1).max(60)), z.string().max(600)])
  .transform((t) => (Array.isArray(t) ? t : t.split(',')).map((s) => s.trim()).filter(Boolean));

const frontMatterSchema = z.object({
  title: z.string().min(1).max(300).optional(),
  slug: z.string().regex(SLUG_PATTERN, 'lowercase words joined by dashes').max(200).optional(),
  category: z.string().min(1).max(200).optional(),
  tags: tagsSchema.optional(),
  status: z.enum(['draft', 'published']).optional(),
});

const jsonlLineSchema = z.object({
  id: z.union([z.string().min(1).max(200), z.number()]).transform(String),
  title: z.string().min(1).max(300),
  body: z.string().min(1).max(1_000_000),
  category: z.string().min(1).max(200).optional(),
  tags: tagsSchema.optional(),
  status: z.enum(['draft', 'published']).optional(),
});

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

export function markdownArticle(file: string, content: string): ArticleInput {
  let parsed: matter.GrayMatterFile<string>;
  try {
    parsed = matter(content);
  } catch (error) {
    throw new ImportSourceError(`${file}: front matter is not valid YAML (${(error as Error).message})`);
  }
  const front = frontMatterSchema.safeParse(parsed.data);
  if (!front.success) throw new ImportSourceError(`${file}: ${describe(front.error)}`);
  let body = parsed.content.replace(/^\s+/, '');
  // A leading "# Heading" is the title when the front matter has none, and is
  // dropped from the body either way (pages show the title themselves).
  const heading = /^#\s+(.+?)\s*#*\s*(?:\n|$)/.exec(body);
  const title = front.data.title ?? heading?.[1];
  if (heading && (!front.data.title || heading[1].trim() === front.data.title.trim())) body = body.slice(heading[0].length).replace(/^\s+/, '');
  if (!title) throw new ImportSourceError(`${file}: no title (add "title:" to the front matter or start with a "# Heading")`);
  if (!body.trim()) throw new ImportSourceError(`${file}: the article has no body`);
  return {
    slug: front.data.slug ?? slugify(path.basename(file).replace(/\.(md|markdown)$/i, '')),
    title,
    body,
    category: front.data.category,
    tags: front.data.tags,
    status: front.data.status,
  };
}

export function jsonlArticles(file: string, content: string): ArticleInput[] {
  const out: ArticleInput[] = [];
  content.split('\n').forEach((line, index) => {
    if (!line.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new ImportSourceError(`${file}:${index + 1}: not valid JSON`);
    }
    const parsed = jsonlLineSchema.safeParse(json);
    if (!parsed.success) throw new ImportSourceError(`${file}:${index + 1}: ${describe(parsed.error)}`);
    const { id, ...rest } = parsed.data;
    out.push({ ...rest, slug: slugify(id) });
  });
  return out;
}

function markdownFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => /\.(md|markdown)$/i.test(f) && !f.split(path.sep).some((part) => part.startsWith('.') || part === 'node_modules'))
    .filter((f) => !/^readme\.md$/i.test(path.basename(f)))
    .sort()
    .map((f) => path.join(dir, f));
}

/** The articles at `source`, in a stable order. */
export function readArticles(source: string): ArticleInput[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(source);
  } catch {
    throw new ImportSourceError(`${source}: no such file or folder`);
  }
  let articles: ArticleInput[];
  if (stat.isDirectory()) articles = markdownFiles(source).map((f) => markdownArticle(f, fs.readFileSync(f, 'utf8')));
  else if (/\.jsonl$/i.test(source)) articles = jsonlArticles(source, fs.readFileSync(source, 'utf8'));
  else if (/\.(md|markdown)$/i.test(source)) articles = [markdownArticle(source, fs.readFileSync(source, 'utf8'))];
  else throw new ImportSourceError(`${source}: expected a folder of markdown files, a .md file or a .jsonl file`);
  const seen = new Map<string, number>();
  articles.forEach((a, i) => {
    const slug = a.slug ?? slugify(a.title);
    if (seen.has(slug)) throw new ImportSourceError(`${source}: two articles share the slug "${slug}" (items ${seen.get(slug)! + 1} and ${i + 1})`);
    seen.set(slug, i);
  });
  return articles;
}
