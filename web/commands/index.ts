// Every CLI command, in the order --help lists them. Add new ones here.
import type { Command } from '../cli.ts';
import { bench } from './bench.ts';
import { kbCommands } from './kb-commands.ts';
import { loginLink } from './login-link.ts';
import { agentAdd } from './agent-add.ts';
import { mailIngest } from './mail-ingest.ts';
import { mailReprocess } from './mail-reprocess.ts';
import { migrate } from './migrate.ts';
import { start } from './start.ts';
import { stats } from './stats.ts';

export const commands: Command[] = [start, migrate, stats, mailIngest, mailReprocess, ...kbCommands, loginLink, agentAdd, bench];
