// Folders that ship with the code: prompt templates and the demo articles.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const DEFAULT_PROMPTS_DIR = path.join(root, 'prompts');
export const DEMO_DIR = path.join(root, 'knowledge', 'demo');
