// A private PostgreSQL database per test file: the shared `test` database is used by every area's tests,
// so files that need a clean schema (or many connections) create their own and drop it afterwards.
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { openDb, type Db } from '../../service/db/index.js';
import { migrate } from '../../service/db/migrate.js';
import { PG_URL } from './env.js';

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Creates an empty database and returns its URL and a function that drops it. */
export async function freshPgDatabase(prefix = 'idv_t'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** A fresh, migrated database opened through the data layer. */
export async function freshMigratedDb(poolSize = 4): Promise<{ db: Db; drop(): Promise<void> }> {
  const fresh = await freshPgDatabase();
  const db = await openDb({ url: fresh.url, poolSize });
  await migrate(db);
  return {
    db,
    async drop() {
      await db.close();
      await fresh.drop();
    },
  };
}
