// The `idv` command line. Each file in ./commands registers its own sub-commands, so that every
// area (fixtures, face, document, speech, pipeline, review, ops) owns its CLI without touching this file.
import { Command } from 'commander';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface CliContext {
  program: Command;
  /** `idv eval <what>`: accuracy evaluations (progress on stderr, one JSON line last on stdout). */
  evalCmd: Command;
  /** `idv bench <what>`: speed benchmarks (same output convention). */
  benchCmd: Command;
}

export interface CommandModule {
  register(ctx: CliContext): void;
}

async function main(): Promise<void> {
  const program = new Command('idv').description('Remote identity verification service').showHelpAfterError();
  const evalCmd = program.command('eval').description('Accuracy evaluations on labelled data');
  const benchCmd = program.command('bench').description('Speed benchmarks');
  const ctx: CliContext = { program, evalCmd, benchCmd };

  const dir = join(dirname(fileURLToPath(import.meta.url)), 'commands');
  const files = readdirSync(dir)
    .filter((f) => /\.(js|ts)$/.test(f) && !f.endsWith('.d.ts') && !f.endsWith('.test.ts'))
    .sort();
  for (const f of files) {
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as Partial<CommandModule>;
    if (typeof mod.register === 'function') mod.register(ctx);
  }
  await program.parseAsync(process.argv);
}

main().catch((e: unknown) => {
  process.stderr.write(`idv: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
