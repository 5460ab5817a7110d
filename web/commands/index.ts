// Every CLI command, in the order --help lists them. Add new ones here.
import type { Command } from '../cli.ts';
import { bench } from './bench.ts';
import { migrate } from './migrate.ts';
import { start } from './start.ts';

export const commands: Command[] = [start, migrate, bench];
