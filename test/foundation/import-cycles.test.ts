// No import circles among the service's modules nor the console's (type-only imports included).
import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cycles, importGraph } from '../../scripts/import-cycles.js';
import { tempDir } from '../helpers/env.js';

describe('import circles', () => {
  it('finds a circle when there is one (through an index and a type-only import)', () => {
    const dir = tempDir('idv-cycles-');
    mkdirSync(join(dir, 'b'));
    writeFileSync(join(dir, 'a.ts'), "import { b } from './b/index.js';\nexport const a = b;\n");
    writeFileSync(join(dir, 'b', 'index.ts'), "export * from './c.js';\n");
    writeFileSync(
      join(dir, 'b', 'c.ts'),
      "import type { A } from '../a.js';\nexport const b = 1;\nexport type C = A;\n",
    );
    writeFileSync(join(dir, 'd.ts'), "import { a } from './a.js';\nexport const d = a;\n");
    const found = cycles(importGraph(dir));
    expect(found).toHaveLength(1);
    expect(found[0]!.map((f) => f.slice(dir.length + 1)).sort()).toEqual(['a.ts', 'b/c.ts', 'b/index.ts']);
  });

  it('there is none in service/ and the UIs', () => {
    for (const root of ['service', 'reviewer-ui/src', 'applicant-ui/src', 'ui-shared'])
      expect(cycles(importGraph(resolve(root))), root).toEqual([]);
    expect(importGraph(resolve('service')).size).toBeGreaterThan(150);
  });
});
