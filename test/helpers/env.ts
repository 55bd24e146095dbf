// Test environment: real Redis and PostgreSQL from the machine (started by scripts/test.sh),
// PGlite in memory, and the shared development data beside the project when present.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig, type Config } from '../../service/config/index.js';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** ../shared/data/<sub> when present (development data; never required). */
export function sharedData(sub: string): string | undefined {
  const p = resolve(process.cwd(), '..', 'shared', 'data', sub);
  return existsSync(p) ? p : undefined;
}

export function tempDir(prefix = 'idv-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}

// A test file's data dirs (media stores, generated sets) go when the file is done (test/helpers/cleanup.ts, a
// setup file whose afterAll runs after the file's own): a full run left ~1.5 GB in /tmp.
const made = new Set<string>();
export function removeTempDirs(): void {
  for (const d of made) rmSync(d, { recursive: true, force: true });
  made.clear();
}

/** A valid Config for tests, with a private data dir and an isolated queue prefix. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    DATA_DIR: tempDir(),
    REDIS_URL,
    QUEUE_PREFIX: `t${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`,
    ...overrides,
  });
}
