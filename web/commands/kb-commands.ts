// The knowledge-base commands, in the order --help lists them.
import type { Command } from '../cli.ts';
import { kbEval } from './kb-eval.ts';
import { kbImport } from './kb-import.ts';
import { kbReindex } from './kb-reindex.ts';
import { kbSearch } from './kb-search.ts';

export const kbCommands: Command[] = [kbImport, kbSearch, kbEval, kbReindex];
