// The knowledge base and the answering bot. Parses the KB_* and OPENAI_*
// settings, opens the knowledge base (indexes under DATA_DIR), imports the
// demo articles into an empty one, answers customer messages on tickets the
// bot handles, and serves a plain article page at /kb/<slug> for links in
// answers when no other page does. Other features read `parts.knowledge`.
import path from 'node:path';
import type Koa from 'koa';
import { marked } from 'marked';
import type { Logger } from 'pino';
import sanitizeHtml from 'sanitize-html';
import { z } from 'zod';
import type { Database } from '../../knexfile.ts';
import { createBotAnswerJob, createBotResumeJob, BOT_ANSWER_JOB, BOT_RESUME_JOB } from '../../core/bot/index.ts';
import type { Clock } from '../../core/index.ts';
// The knowledge layer's parts come from their own files rather than from
// knowledge/index.ts, which also re-exports models.ts: LangChain's OpenAI
// client costs ~13 MB of memory once imported, and only a service with
// OPENAI_* models configured loads it (openKnowledge, below).
import { EmbeddingSpace } from '../../knowledge/embeddings/space.ts';
import { KnowledgeBase } from '../../knowledge/knowledge-base.ts';
import { DEFAULT_PROMPTS_DIR, DEMO_DIR } from '../../knowledge/paths.ts';
import { DEFAULT_SETTINGS, type KnowledgeSettings } from '../../knowledge/settings.ts';
import { ConfigError, intSetting, parseEnvGroup, urlSetting, type Config } from '../config.ts';
import type { Feature } from '../server.ts';

const share = (what: string) => z.coerce.number({ error: `expected ${what}` }).min(0, { error: `expected ${what}` }).max(1, { error: `expected ${what}` });
const weight = z.coerce.number({ error: 'expected a number from 0 to 10' }).min(0, { error: 'expected a number from 0 to 10' }).max(10, { error: 'expected a number from 0 to 10' });
const flag = z.enum(['true', 'false', '1', '0', 'on', 'off', 'yes', 'no'], { error: 'expected true or false' }).transform((v) => ['true', '1', 'on', 'yes'].includes(v));

export const knowledgeEnvSchema = z.object({
  OPENAI_BASE_URL: urlSetting(/^https?:$/, 'an http:// or https:// URL such as http://localhost:11434/v1').optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_CHAT_MODEL: z.string().min(1).max(200).optional(),
  OPENAI_EMBEDDING_MODEL: z.string().min(1).max(200).optional(),
  OPENAI_EMBEDDING_DIMENSIONS: intSetting(16, 8192).optional(),
  OPENAI_TEMPERATURE: z.coerce.number({ error: 'expected a number from 0 to 2' }).min(0).max(2).default(0.2),
  OPENAI_TIMEOUT_MS: intSetting(1_000, 600_000).default(30_000),
  OPENAI_MAX_RETRIES: intSetting(0, 10).default(2),
  KB_BOT: flag.default(true),
  KB_DEMO: flag.default(true),
  KB_CONFIDENCE_THRESHOLD: share('a number from 0 to 1').default(DEFAULT_SETTINGS.confidenceThreshold),
  KB_FUSION_K: intSetting(1, 1000).default(DEFAULT_SETTINGS.fusion.k),
  KB_VECTOR_WEIGHT: weight.default(DEFAULT_SETTINGS.fusion.vectorWeight),
  KB_LEXICAL_WEIGHT: weight.default(DEFAULT_SETTINGS.fusion.lexicalWeight),
  KB_TITLE_WEIGHT: share('a number from 0 to 1').default(DEFAULT_SETTINGS.titleWeight),
  KB_CHUNK_SIZE: intSetting(200, 8000).default(DEFAULT_SETTINGS.chunking.chunkSize),
  KB_CHUNK_OVERLAP: intSetting(0, 2000).default(DEFAULT_SETTINGS.chunking.chunkOverlap),
  KB_HASH_DIMENSIONS: intSetting(64, 4096).default(512),
  KB_HNSW_EF_SEARCH: intSetting(10, 2000).default(DEFAULT_SETTINGS.hnsw.efSearch),
  KB_LEXICAL_BUDGET: intSetting(100, 10_000_000).default(DEFAULT_SETTINGS.lexical.postingBudget),
});
export type KnowledgeEnv = z.output<typeof knowledgeEnvSchema>;

export function parseKnowledgeEnv(env: NodeJS.ProcessEnv): KnowledgeEnv {
  const e = parseEnvGroup(knowledgeEnvSchema, env);
  const endpoint = Boolean(e.OPENAI_BASE_URL || e.OPENAI_API_KEY);
  for (const variable of ['OPENAI_CHAT_MODEL', 'OPENAI_EMBEDDING_MODEL'] as const) {
    if (e[variable] && !endpoint) throw new ConfigError(variable, 'needs OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL (a compatible server) as well');
  }
  if (e.KB_CHUNK_OVERLAP >= e.KB_CHUNK_SIZE) throw new ConfigError('KB_CHUNK_OVERLAP', 'must be smaller than KB_CHUNK_SIZE');
  if (e.KB_VECTOR_WEIGHT + e.KB_LEXICAL_WEIGHT === 0) throw new ConfigError('KB_VECTOR_WEIGHT', 'KB_VECTOR_WEIGHT and KB_LEXICAL_WEIGHT cannot both be 0');
  return e;
}

export interface KnowledgeOpenDeps {
  env: KnowledgeEnv;
  config: Config;
  db: Database;
  logger: Logger;
  clock: Clock;
  /** Where the indexes live; defaults to DATA_DIR/knowledge-index/<database>. */
  indexDir?: string;
}

export function knowledgeSettings(e: KnowledgeEnv, config: Config, indexDir: string): KnowledgeSettings {
  return {
    ...DEFAULT_SETTINGS,
    publicUrl: config.publicUrl,
    indexDir,
    promptsDir: DEFAULT_PROMPTS_DIR,
    chunking: { chunkSize: e.KB_CHUNK_SIZE, chunkOverlap: e.KB_CHUNK_OVERLAP },
    titleWeight: e.KB_TITLE_WEIGHT,
    fusion: { ...DEFAULT_SETTINGS.fusion, k: e.KB_FUSION_K, vectorWeight: e.KB_VECTOR_WEIGHT, lexicalWeight: e.KB_LEXICAL_WEIGHT },
    hnsw: { ...DEFAULT_SETTINGS.hnsw, efSearch: e.KB_HNSW_EF_SEARCH },
    lexical: { ...DEFAULT_SETTINGS.lexical, postingBudget: e.KB_LEXICAL_BUDGET },
    confidenceThreshold: e.KB_CONFIDENCE_THRESHOLD,
  };
}

/** Opens the knowledge base the configuration describes (the service and the kb:* commands share this). */
export async function openKnowledge(deps: KnowledgeOpenDeps): Promise<KnowledgeBase> {
  const { env: e, config, db } = deps;
  const endpoint = { baseUrl: e.OPENAI_BASE_URL, apiKey: e.OPENAI_API_KEY, timeoutMs: e.OPENAI_TIMEOUT_MS, maxRetries: e.OPENAI_MAX_RETRIES };
  const models = e.OPENAI_EMBEDDING_MODEL || e.OPENAI_CHAT_MODEL ? await import('../../knowledge/models.ts') : undefined;
  const space = models && e.OPENAI_EMBEDDING_MODEL
    ? models.openAIEmbeddingSpace(endpoint, e.OPENAI_EMBEDDING_MODEL, e.OPENAI_EMBEDDING_DIMENSIONS)
    : EmbeddingSpace.hashed(e.KB_HASH_DIMENSIONS);
  const chatModel = models && e.OPENAI_CHAT_MODEL ? models.openAIChatModel(endpoint, e.OPENAI_CHAT_MODEL, e.OPENAI_TEMPERATURE) : undefined;
  // One index folder per database, so two databases never share a cache.
  const indexDir = deps.indexDir ?? path.join(config.dataDir, 'knowledge-index', db.dialect === 'postgres' ? `postgres-${db.scope}` : 'sqlite');
  return KnowledgeBase.open({
    knex: db.knex,
    logger: deps.logger.child({ component: 'knowledge' }),
    now: () => deps.clock.now(),
    space,
    chatModel,
    settings: knowledgeSettings(e, config, indexDir),
  });
}

export const knowledge: Feature = async (parts) => {
  const env = parseKnowledgeEnv(parts.env);
  const kb = await openKnowledge({ env, config: parts.config, db: parts.db, logger: parts.logger, clock: parts.clock });
  parts.onStop(() => kb.close());
  if (env.KB_DEMO && (await kb.countArticles()) === 0) {
    try {
      const result = await kb.import(DEMO_DIR);
      parts.logger.info({ articles: result.created }, 'knowledge base was empty: imported the demo articles');
    } catch (err) {
      // A second instance starting at the same moment may have won the race.
      parts.logger.warn({ err }, 'demo articles not imported');
    }
  }
  const status = kb.status();
  parts.logger.info(
    { articles: status.articles, chunks: status.chunks, index: status.source, embeddings: kb.embeddingModel, chatModel: env.OPENAI_CHAT_MODEL ?? 'offline (extractive answers)' },
    'knowledge base ready',
  );
  parts.knowledge = kb;

  if (env.KB_BOT) {
    parts.addFollowUp('message.received', BOT_ANSWER_JOB, createBotAnswerJob({ core: parts.core, answerer: kb, logger: parts.logger.child({ component: 'bot' }) }));
    parts.addFollowUp('status_changed', BOT_RESUME_JOB, createBotResumeJob({ core: parts.core }));
  }
  parts.mount(articlePageFallback(kb));
};

/**
 * GET /kb/<slug>: a plain page for an article, so links in answers work
 * before (or without) the portal. Runs after every later route: whatever
 * else answers the path wins.
 */
function articlePageFallback(kb: KnowledgeBase): Koa.Middleware {
  return async function articlePage(ctx, next) {
    await next();
    if (ctx.method !== 'GET' || ctx.status !== 404 || ctx.body != null) return;
    const match = /^\/kb\/([a-z0-9-]{1,200})\/?$/.exec(ctx.path);
    if (!match) return;
    const article = await kb.getArticleBySlug(match[1]);
    if (!article) return;
    const body = sanitizeHtml(await marked.parse(article.body), {
      allowedTags: sanitizeHtml.defaults.allowedTags.concat(['h1', 'h2']),
      allowedSchemesByTag: { a: ['http', 'https', 'mailto'] },
    });
    ctx.type = 'html';
    ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:");
    ctx.body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(article.title)}</title>
<style>body{font:16px/1.6 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#1f2933}code,pre{background:#f3f4f6;border-radius:4px}pre{padding:.75rem;overflow:auto}</style>
</head><body><main><article><h1>${escapeHtml(article.title)}</h1>
${body}
</article></main></body></html>`;
    await kb.recordView(article.id).catch(() => {});
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
