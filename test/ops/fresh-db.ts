// A private PostgreSQL database per test file (the shared `test` database is used by other areas' tests,
// and PGlite's start-up is slow on a busy machine), dropped afterwards.
import pg from 'pg';
import { openDb, type Db } from '../../service/db/index.js';
import { migrate } from '../../service/db/migrate.js';
import { PG_URL } from '../helpers/env.js';

export async function freshDb(): Promise<{ db: Db; drop(): Promise<void> }> {
  const name = `ops_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const db = await openDb({ url: url.toString(), poolSize: 4 });
  await migrate(db);
  return {
    db,
    async drop() {
      await db.close();
      const a = new pg.Client({ connectionString: PG_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}
