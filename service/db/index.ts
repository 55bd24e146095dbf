// The one database handle: PostgreSQL through `pg` when DATABASE_URL is set, embedded PGlite otherwise.
// Same SQL, same migrations. Every data module takes a `Db` (or the `Queryable` of a transaction).
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { mkdirSync } from 'node:fs';

export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<R>>;
}

export interface Db extends Queryable {
  readonly kind: 'pg' | 'pglite';
  /** Runs fn in one transaction; rolls back when it throws. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  /** Runs a multi-statement script (migrations). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

export interface DbOptions {
  /** PostgreSQL URL; when absent, PGlite stores its files in `pgliteDir` (or memory when that is absent too). */
  url?: string;
  pgliteDir?: string;
  /** Pool size for PostgreSQL. Default 10. */
  poolSize?: number;
  /**
   * How long to keep trying to reach PostgreSQL at open, with backoff (a worker started during a database outage
   * waits for it instead of exiting). Default 120 000 ms; then the last error is thrown.
   */
  connectTimeoutMs?: number;
  /** Called before each retry of the first connection. */
  onRetry?(err: Error, delayMs: number): void;
}

export async function openDb(opts: DbOptions): Promise<Db> {
  if (!opts.url) return openPglite(opts.pgliteDir);
  const db = openPg(opts.url, opts.poolSize ?? 10);
  try {
    await connectWithBackoff(db, opts.connectTimeoutMs ?? 120_000, opts.onRetry);
  } catch (e) {
    await db.close().catch(() => undefined);
    throw e;
  }
  return db;
}

/** Connection errors worth waiting out (refused, reset, DNS, the server starting up or shutting down). */
function isTransientConnectError(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return (
    (typeof code === 'string' &&
      /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|57P0[1-3]|08...)$/.test(code)) ||
    /Connection terminated|timeout exceeded when trying to connect/i.test((e as Error).message ?? '')
  );
}

async function connectWithBackoff(
  db: Db,
  timeoutMs: number,
  onRetry?: (err: Error, delayMs: number) => void,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (let n = 0; ; n++) {
    try {
      await db.query('SELECT 1');
      return;
    } catch (e) {
      const delay = Math.min(250 * 2 ** n, 5000);
      if (!isTransientConnectError(e) || Date.now() + delay > end) throw e;
      onRetry?.(e as Error, delay);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

function openPg(url: string, max: number): Db {
  // A bounded connect: an unreachable server fails the request (503) instead of holding it.
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 5000 });
  // A dropped idle connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  return {
    kind: 'pg',
    async query<R>(sql: string, params?: unknown[]) {
      const r = await pool.query(sql, params as unknown[]);
      return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
    },
    async tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const q: Queryable = {
          async query<R>(sql: string, params?: unknown[]) {
            const r = await client.query(sql, params as unknown[]);
            return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
          },
        };
        const out = await fn(q);
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async close() {
      await pool.end();
    },
  };
}

async function openPglite(dir?: string): Promise<Db> {
  if (dir) mkdirSync(dir, { recursive: true });
  const db = new PGlite(dir);
  await db.waitReady;
  const wrap = (r: { rows: unknown[]; affectedRows?: number }) => ({
    rows: r.rows,
    rowCount: r.rows.length > 0 ? r.rows.length : (r.affectedRows ?? 0),
  });
  return {
    kind: 'pglite',
    async query<R>(sql: string, params?: unknown[]) {
      return wrap(await db.query(sql, params)) as QueryResult<R>;
    },
    async tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
      return db.transaction(async (t) =>
        fn({
          async query<R>(sql: string, params?: unknown[]) {
            return wrap(await t.query(sql, params)) as QueryResult<R>;
          },
        }),
      );
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
    async close() {
      await db.close();
    },
  };
}
