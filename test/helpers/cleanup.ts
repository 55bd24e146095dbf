// Setup file (vitest.config.ts): after each test file, the temporary dirs it made with tempDir are removed.
import { afterAll } from 'vitest';
import { removeTempDirs } from './env.js';

afterAll(() => {
  removeTempDirs();
});
