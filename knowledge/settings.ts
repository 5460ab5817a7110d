// Tunable settings of the knowledge base, with the defaults tuned on the
// StackFAQ development split (web/features/knowledge.ts maps environment
// variables onto these).
import type { ChunkingOptions } from './ingest/chunking.ts';
import type { LexicalOptions } from './index/lexical-index.ts';
import type { HnswOptions } from './index/vector-index.ts';
import type { FusionSettings } from './retrieval/hybrid.ts';

export interface KnowledgeSettings {
  /** Base of article links: `${publicUrl}/kb/<slug>`. */
  publicUrl: string;
  /** Folder for the saved indexes. */
  indexDir: string;
  /** Folder of prompt templates (prompts/). */
  promptsDir: string;
  chunking: ChunkingOptions;
  /** Share of the article title in each chunk's vector (0..1). */
  titleWeight: number;
  fusion: FusionSettings;
  hnsw: HnswOptions;
  lexical: LexicalOptions;
  /** Below this calibrated confidence the bot hands off instead of answering. */
  confidenceThreshold: number;
  /** How often a search checks the tables for changes made elsewhere (ms). */
  refreshIntervalMs: number;
  /** Passages handed to the chat model. */
  answerPassages: number;
}

export const DEFAULT_SETTINGS: Omit<KnowledgeSettings, 'publicUrl' | 'indexDir' | 'promptsDir'> = {
  chunking: { chunkSize: 1000, chunkOverlap: 150 },
  titleWeight: 0.5,
  fusion: { k: 60, vectorWeight: 1, lexicalWeight: 1, candidates: 50 },
  hnsw: { m: 16, efConstruction: 100, efSearch: 512 },
  lexical: { titleBoost: 2, k1: 1.2, b: 0.75, postingBudget: 4000 },
  confidenceThreshold: 0.35,
  refreshIntervalMs: 5_000,
  answerPassages: 4,
};
