// The knowledge layer's public surface (the bot, the portal, the widget and
// the CLI use only this). Nothing here imports core/ or anything above.
export { KnowledgeBase, type KnowledgeBaseDeps, type SearchOptions, type Retrieval } from './knowledge-base.ts';
export { DEFAULT_SETTINGS, type KnowledgeSettings } from './settings.ts';
export { HashedEmbeddings } from './embeddings/hashed.ts';
export { EmbeddingSpace, EmbeddingDimensionError } from './embeddings/space.ts';
export { openAIChatModel, openAIEmbeddingSpace, type OpenAIEndpoint } from './models.ts';
export { DEFAULT_PROMPTS_DIR, DEMO_DIR } from './paths.ts';
export type { AnswerOptions } from './answer/answerer.ts';
export type { ImportProgress, ImportResult } from './ingest/importer.ts';
export { ArticleInputError } from './ingest/importer.ts';
export { readArticles, ImportSourceError } from './ingest/sources.ts';
export type { IndexStatus } from './index/knowledge-index.ts';
export { evaluate, readEvalQueries, percentile, type EvalQuery, type EvalReport } from './eval.ts';
export { slugify } from './text/slug.ts';
export { plainText, plainTextExcerpt, summarize } from './text/markdown.ts';
export * from './types.ts';
