import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDb, type Db } from '../../service/db/index.js';
import { migrate, splitSql } from '../../service/db/migrate.js';
import { PG_URL, tempDir } from '../helpers/env.js';

const opened: Db[] = [];
afterAll(async () => {
  for (const d of opened) await d.close();
});

describe.each([
  ['pglite', () => openDb({})],
  ['postgres', () => openDb({ url: PG_URL })],
])('database (%s)', (_kind, open) => {
  it('applies migrations once, in order, and rolls back failed transactions', async () => {
    const db = await open();
    opened.push(db);
    const schema = `t_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, `001_${schema}_a.sql`),
      `CREATE TABLE ${schema} (id int PRIMARY KEY, note text);\n-- a comment; with a semicolon\nINSERT INTO ${schema} VALUES (1, 'a;b');`,
    );
    writeFileSync(
      join(dir, `002_${schema}_b.sql`),
      `CREATE FUNCTION ${schema}_f() RETURNS int AS $$ BEGIN RETURN 1; END; $$ LANGUAGE plpgsql;`,
    );
    // schema_migrations outlives the test on the real server: version names are unique per run.
    const v1 = await migrate(db, dir);
    expect(v1).toEqual([`001_${schema}_a`, `002_${schema}_b`]);
    const again = await migrate(db, dir);
    expect(again).toEqual([]);
    const rows = await db.query<{ note: string }>(`SELECT note FROM ${schema}`);
    expect(rows.rows[0]!.note).toBe('a;b');
    await expect(
      db.tx(async (q) => {
        await q.query(`INSERT INTO ${schema} VALUES (2, 'x')`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await db.query(`SELECT * FROM ${schema}`)).rowCount).toBe(1);
    await db.exec(`DROP TABLE ${schema}; DROP FUNCTION ${schema}_f();`);
  });
});

describe('splitSql', () => {
  it('splits on semicolons outside strings, comments and dollar quotes', () => {
    expect(splitSql(`a; b 'x;y'; -- c;\n $$ d; $$; e`)).toEqual(['a', "b 'x;y'", '$$ d; $$', 'e']);
  });
});
