// Versioned migrations: service/db/migrations/NNN_name.sql, applied once each, in order, in one
// transaction per file. Numbering by area: 001-099 cases/pipeline, 100-199 review, 200-299
// activation/notify, 300-399 ops.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './index.js';

/** The migrations folder, whether running from sources or from dist/. */
export function migrationsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'migrations'), resolve(here, '../../../service/db/migrations')];
  const found = candidates.find((d) => existsSync(d));
  if (!found) throw new Error(`migrations folder not found (looked in ${candidates.join(', ')})`);
  return found;
}

export async function migrate(db: Db, dir = migrationsDir()): Promise<string[]> {
  await db.exec(
    `CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
  );
  const files = readdirSync(dir)
    .filter((f) => /^\d{3}_.+\.sql$/.test(f))
    .sort();
  const applied: string[] = [];
  // Several processes may start together against one PostgreSQL: serialise them.
  if (db.kind === 'pg') await db.query('SELECT pg_advisory_lock(4242001)');
  try {
    const done = new Set(
      (await db.query<{ version: string }>('SELECT version FROM schema_migrations')).rows.map(
        (r) => r.version,
      ),
    );
    for (const f of files) {
      const version = f.replace(/\.sql$/, '');
      if (done.has(version)) continue;
      const sql = readFileSync(join(dir, f), 'utf8');
      await db.tx(async (q) => {
        // pg accepts multi-statement text without parameters; PGlite's query does not, so split there.
        for (const stmt of splitSql(sql)) await q.query(stmt);
        await q.query('INSERT INTO schema_migrations(version) VALUES ($1)', [version]);
      });
      applied.push(version);
    }
  } finally {
    if (db.kind === 'pg') await db.query('SELECT pg_advisory_unlock(4242001)');
  }
  return applied;
}

/** Splits a script on semicolons outside quotes, dollar-quoted bodies and comments. */
export function splitSql(sql: string): string[] {
  const out: string[] = [];
  let cur = '';
  let i = 0;
  let dollar: string | null = null;
  let quote: string | null = null;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (dollar) {
      if (sql.startsWith(dollar, i)) {
        cur += dollar;
        i += dollar.length;
        dollar = null;
        continue;
      }
    } else if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl === -1 ? sql.length : nl;
      continue;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
    } else if (ch === '$') {
      const m = /^\$[A-Za-z_]*\$/.exec(sql.slice(i));
      if (m) {
        dollar = m[0];
        cur += dollar;
        i += dollar.length;
        continue;
      }
    } else if (ch === ';') {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
      i++;
      continue;
    }
    cur += ch;
    i++;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}
