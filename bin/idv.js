#!/usr/bin/env node
// The `idv` command. Runs the compiled CLI; in a development checkout without a build it runs the
// TypeScript sources through tsx so that `npx idv` always reflects the code on disk.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/service/cli/index.js', import.meta.url);
const source = new URL('../service/cli/index.ts', import.meta.url);
if (process.env.IDV_FROM_SOURCE !== '1' && existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
}
