// A knowledge base for a test: its own migrated database (SQLite, or a
// PostgreSQL schema with TEST_DATABASE_URL), its own index folder, the offline
// embedding unless told otherwise, and a quiet logger.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import pino from 'pino';
import { openTestDatabase, type Database } from '../../knexfile.ts';
import { DEFAULT_PROMPTS_DIR } from '../paths.ts';
import { EmbeddingSpace } from '../embeddings/space.ts';
import { KnowledgeBase } from '../knowledge-base.ts';
import { DEFAULT_SETTINGS, type KnowledgeSettings } from '../settings.ts';

export { DEMO_DIR } from '../paths.ts';
/** The shared StackFAQ development split (../shared from the project root). */
export const STACKFAQ_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/data/stackfaq');

export interface TestKb {
  kb: KnowledgeBase;
  db: Database;
  indexDir: string;
  /** Opens another knowledge base on the same database and index folder (a restart). */
  reopen(options?: { space?: EmbeddingSpace; chatModel?: BaseChatModel }): Promise<KnowledgeBase>;
  close(): Promise<void>;
}

export function testSettings(indexDir: string, overrides: Partial<KnowledgeSettings> = {}): KnowledgeSettings {
  return { ...DEFAULT_SETTINGS, publicUrl: 'http://parley.test', indexDir, promptsDir: DEFAULT_PROMPTS_DIR, refreshIntervalMs: 0, ...overrides };
}

export async function openTestKb(
  options: { space?: EmbeddingSpace; chatModel?: BaseChatModel; settings?: Partial<KnowledgeSettings>; db?: Database } = {},
): Promise<TestKb> {
  const db = options.db ?? (await openTestDatabase());
  const indexDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-kb-'));
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const open = (space?: EmbeddingSpace, chatModel?: BaseChatModel) =>
    KnowledgeBase.open({ knex: db.knex, logger, now: () => Date.now(), space: space ?? EmbeddingSpace.hashed(), chatModel, settings: testSettings(indexDir, options.settings) });
  const kb = await open(options.space, options.chatModel);
  const opened = [kb];
  return {
    kb,
    db,
    indexDir,
    async reopen(o = {}) {
      const again = await open(o.space, o.chatModel);
      opened.push(again);
      await again.ready();
      return again;
    },
    async close() {
      for (const k of opened) await k.close().catch(() => {});
      if (!options.db) await db.close();
      fs.rmSync(indexDir, { recursive: true, force: true });
    },
  };
}
