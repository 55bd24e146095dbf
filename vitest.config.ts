import { defineConfig } from 'vitest/config';

// Tests share one real Redis, one real PostgreSQL and two CPU cores: run files one at a time
// in forked processes so that WASM engines and child-process pools do not fight for cores.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'service/**/*.test.ts'],
    pool: 'forks',
    poolOptions: { forks: { singleFork: true } },
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Removes each file's temporary dirs after it (its own afterAll hooks run first).
    setupFiles: ['test/helpers/cleanup.ts'],
    reporters: ['default'],
  },
});
