// A private PostgreSQL database per test file (the shared `test` database is used by other areas' tests).
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { PG_URL } from '../helpers/env.js';

export async function createTempDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `idv_review_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
