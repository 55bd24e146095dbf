// Issue #16: every SQL statement lives in a `*-repository.ts` module or in service/db/. This walks the real tree
// with the same pattern as the check:
//   git grep -lE "\b(SELECT [a-z_*]|INSERT INTO|DELETE FROM|UPDATE [a-z_]+ SET)" -- 'service/*.ts'
import { describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { tempDir } from '../helpers/env.js';

const SQL = /\b(SELECT [a-z_*]|INSERT INTO|DELETE FROM|UPDATE [a-z_]+ SET)/;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return n.endsWith('.ts') ? [p] : [];
  });
}

/** Files under `root` (relative, '/'-separated) with SQL outside `db/` and `*-repository.ts`. */
function sqlOutsideRepositories(root: string): string[] {
  return tsFiles(root)
    .map((f) => relative(root, f).split(sep).join('/'))
    .filter((f) => !f.startsWith('db/') && !f.endsWith('-repository.ts'))
    .filter((f) => SQL.test(readFileSync(join(root, f), 'utf8')))
    .sort();
}

describe('SQL only in repositories (issue #16)', () => {
  it('finds SQL outside a repository, and only there', () => {
    const dir = tempDir('idv-sql-');
    mkdirSync(join(dir, 'a'));
    mkdirSync(join(dir, 'db'));
    writeFileSync(join(dir, 'a', 'x.ts'), "await q.query('DELETE FROM t WHERE id = $1', [id]);\n");
    writeFileSync(join(dir, 'a', 'y.ts'), 'const s = `UPDATE media_keys SET wrapped = $1`;\n');
    writeFileSync(join(dir, 'a', 'x-repository.ts'), "await q.query('SELECT id FROM t');\n");
    writeFileSync(
      join(dir, 'db', 'migrate.ts'),
      "await q.query('INSERT INTO schema_migrations VALUES ($1)');\n",
    );
    writeFileSync(join(dir, 'a', 'z.ts'), '// Select the case, then insert it into the queue.\n');
    expect(sqlOutsideRepositories(dir)).toEqual(['a/x.ts', 'a/y.ts']);
  });

  it('there is none in service/', () => {
    const root = resolve('service');
    expect(tsFiles(root).length).toBeGreaterThan(150);
    expect(sqlOutsideRepositories(root)).toEqual([]);
  });
});
