// Prompt templates live as files in prompts/ (mustache: {{question}}), so
// they can be read and changed without touching code.
import fs from 'node:fs';
import path from 'node:path';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { DEFAULT_PROMPTS_DIR } from '../paths.ts';

export interface Prompts {
  /** {{history}}, {{question}} -> a standalone question. */
  condense: ChatPromptTemplate;
  /** {{passages}}, {{history}}, {{question}} -> a grounded answer with [n] citations. */
  answer: ChatPromptTemplate;
}

function read(dir: string, name: string): string {
  const file = path.join(dir, name);
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new Error(`prompt template ${file} is missing (${(error as Error).message})`);
  }
}

export function loadPrompts(dir: string = DEFAULT_PROMPTS_DIR): Prompts {
  const options = { templateFormat: 'mustache' as const };
  return {
    condense: ChatPromptTemplate.fromMessages([['human', read(dir, 'condense-question.md')]], options),
    answer: ChatPromptTemplate.fromMessages(
      [
        ['system', read(dir, 'answer-system.md')],
        ['human', read(dir, 'answer-user.md')],
      ],
      options,
    ),
  };
}
