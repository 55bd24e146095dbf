// Child-process entry points work from sources (tests, tsx) and from dist/ alike:
// given a module URL, find the sibling file and the Node flags needed to run it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface ChildEntry {
  /** Absolute path of the file to fork. */
  file: string;
  /** execArgv for child_process.fork / worker_threads (tsx loader for .ts sources). */
  execArgv: string[];
}

/** `resolveEntry(import.meta.url, './worker')` -> ./worker.js when compiled, ./worker.ts with tsx otherwise. */
export function resolveEntry(base: string, rel: string): ChildEntry {
  const js = fileURLToPath(new URL(rel + '.js', base));
  if (existsSync(js)) return { file: js, execArgv: [] };
  const ts = fileURLToPath(new URL(rel + '.ts', base));
  if (!existsSync(ts)) throw new Error(`entry point not found: ${rel} (from ${base})`);
  return { file: ts, execArgv: ['--import', 'tsx'] };
}
