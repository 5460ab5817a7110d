// `parley bench` (`npm run bench`): runs every `*.bench.ts` next to the code it
// measures. A bench module exports `suite` and `run(report, options)`; each
// figure it reports is printed with the ceiling measured in the same run.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Command } from '../cli.ts';

export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  /** What the same machine does with nothing of ours in the way, measured in this run. */
  ceiling?: number;
  ceilingName?: string;
  target?: string;
}

export interface BenchModule {
  suite: string;
  run(report: (figure: BenchFigure) => void, options: { env: NodeJS.ProcessEnv; quick: boolean }): Promise<void>;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const layers = ['core', 'knowledge', 'channels', 'web'];

export function findBenchFiles(): string[] {
  const files: string[] = [];
  for (const layer of layers) {
    const dir = path.join(root, layer);
    if (!fs.existsSync(dir)) continue;
    for (const entry of fs.readdirSync(dir, { recursive: true }) as string[]) {
      if (entry.endsWith('.bench.ts') && !entry.includes('node_modules')) files.push(path.join(dir, entry));
    }
  }
  return files.sort();
}

export const bench: Command = {
  name: 'bench',
  summary: 'Run the benchmarks (*.bench.ts); --json prints one JSON figure per line.',
  usage: 'parley bench [--json] [--suite NAME]... [--quick]',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { json: { type: 'boolean' }, suite: { type: 'string', multiple: true }, quick: { type: 'boolean' } },
    });
    let failures = 0;
    for (const file of findBenchFiles()) {
      const mod = (await import(pathToFileURL(file).href)) as BenchModule;
      if (values.suite?.length && !values.suite.includes(mod.suite)) continue;
      const report = (f: BenchFigure) => {
        const ratio = f.ceiling ? Math.round((f.value / f.ceiling) * 1000) / 1000 : null;
        const line = {
          suite: mod.suite,
          name: f.name,
          value: round(f.value),
          unit: f.unit,
          ceiling: f.ceiling === undefined ? null : round(f.ceiling),
          ratio,
          ...(f.ceilingName ? { ceiling_name: f.ceilingName } : {}),
          ...(f.target ? { target: f.target } : {}),
        };
        if (values.json) io.stdout.write(`${JSON.stringify(line)}\n`);
        else
          io.stdout.write(
            `${mod.suite}/${f.name}: ${line.value} ${f.unit}` +
              (line.ceiling !== null ? `  (ceiling ${f.ceilingName ?? ''} ${line.ceiling}, ratio ${ratio})` : '') +
              (f.target ? `  target ${f.target}` : '') +
              '\n',
          );
      };
      try {
        await mod.run(report, { env: io.env, quick: Boolean(values.quick) });
      } catch (error) {
        failures++;
        io.stderr.write(`bench ${path.relative(root, file)} failed: ${error instanceof Error ? error.stack : error}\n`);
      }
    }
    return failures ? 1 : 0;
  },
};

function round(n: number): number {
  return Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 100) / 100;
}
