// Append-only, hash-chained audit trail. Every entry stores the previous entry's hash; `verifyAuditChain`
// recomputes the chain and reports the first entry that does not match.
//
// Call `appendAudit` with the transaction that performs the audited change (so both commit or neither does),
// or with the Db itself (it then opens its own transaction).
import type { Db, Queryable } from '../db/index.js';
import { assertNoPersonalData, entryHash, GENESIS_HASH, type ActorType, type AuditEntry } from './chain.js';

export {
  canonicalJson,
  entryHash,
  GENESIS_HASH,
  AuditDetailsError,
  type ActorType,
  type AuditEntry,
} from './chain.js';

export interface AuditInput {
  actorType: ActorType;
  /** Reviewer id, worker name, ... Never an e-mail address or a name. */
  actorId?: string | null;
  /** Dotted verb, e.g. `case.media.viewed`, `case.decided`, `case.expired`, `reviewer.login`. */
  action: string;
  caseId?: string | null;
  /** Non-personal context only (ids, reason codes, outcomes). */
  details?: Record<string, unknown>;
}

export interface AuditRecord extends AuditEntry {
  prevHash: string;
  hash: string;
}

function isDb(q: Queryable): q is Db {
  return typeof (q as Partial<Db>).tx === 'function';
}

export async function appendAudit(q: Queryable, input: AuditInput): Promise<AuditRecord> {
  const details = input.details ?? {};
  assertNoPersonalData(details);
  if (isDb(q)) return q.tx((t) => appendInTx(t, input, details));
  return appendInTx(q, input, details);
}

async function appendInTx(
  q: Queryable,
  input: AuditInput,
  details: Record<string, unknown>,
): Promise<AuditRecord> {
  // Locks the head row until the surrounding transaction ends: appends are strictly sequential.
  const head = await q.query<{ seq: string | number; hash: string }>(
    'SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE',
  );
  const h = head.rows[0];
  if (!h) throw new Error('audit_head row missing (migration 100 not applied?)');
  const entry: AuditEntry = {
    seq: Number(h.seq) + 1,
    actorType: input.actorType,
    actorId: input.actorId ?? null,
    action: input.action,
    caseId: input.caseId ?? null,
    // Round-trip through JSON so the hashed value equals what jsonb gives back (no undefined, no Dates).
    details: JSON.parse(JSON.stringify(details)) as Record<string, unknown>,
    createdAt: new Date().toISOString(),
  };
  const hash = entryHash(h.hash, entry);
  await q.query(
    `INSERT INTO audit_events (seq, prev_hash, hash, actor_type, actor_id, action, case_id, details, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      entry.seq,
      h.hash,
      hash,
      entry.actorType,
      entry.actorId,
      entry.action,
      entry.caseId,
      JSON.stringify(entry.details),
      entry.createdAt,
    ],
  );
  await q.query('UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1', [entry.seq, hash]);
  return { ...entry, prevHash: h.hash, hash };
}

interface AuditRow {
  seq: string | number;
  prev_hash: string;
  hash: string;
  actor_type: ActorType;
  actor_id: string | null;
  action: string;
  case_id: string | null;
  details: Record<string, unknown> | string;
  created_at: Date | string;
}

export function rowToRecord(r: AuditRow): AuditRecord {
  return {
    seq: Number(r.seq),
    prevHash: r.prev_hash,
    hash: r.hash,
    actorType: r.actor_type,
    actorId: r.actor_id,
    action: r.action,
    caseId: r.case_id,
    details: typeof r.details === 'string' ? (JSON.parse(r.details) as Record<string, unknown>) : r.details,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

export interface ChainVerification {
  ok: boolean;
  /** Entries checked. */
  count: number;
  headSeq: number;
  /** First entry that does not verify, with why. */
  brokenAt?: number;
  reason?: string;
}

export async function verifyAuditChain(db: Queryable, batch = 1000): Promise<ChainVerification> {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let count = 0;
  const headRow = (
    await db.query<{ seq: string | number; hash: string }>('SELECT seq, hash FROM audit_head WHERE id = 1')
  ).rows[0];
  const headSeq = Number(headRow?.seq ?? 0);
  const fail = (seq: number, reason: string): ChainVerification => ({
    ok: false,
    count,
    headSeq,
    brokenAt: seq,
    reason,
  });
  for (;;) {
    const { rows } = await db.query<AuditRow>(
      `SELECT seq, prev_hash, hash, actor_type, actor_id, action, case_id, details, created_at
         FROM audit_events WHERE seq >= $1 ORDER BY seq LIMIT $2`,
      [expectedSeq, batch],
    );
    if (rows.length === 0) break;
    for (const row of rows) {
      const rec = rowToRecord(row);
      if (rec.seq !== expectedSeq) return fail(expectedSeq, 'missing entry (gap in sequence)');
      if (rec.prevHash !== prev) return fail(rec.seq, 'previous hash does not match the preceding entry');
      const { prevHash: _p, hash, ...entry } = rec;
      if (entryHash(prev, entry) !== hash) return fail(rec.seq, 'entry content does not match its hash');
      prev = hash;
      expectedSeq++;
      count++;
    }
  }
  if (count !== headSeq || (headRow && headRow.hash !== prev && count > 0)) {
    return fail(count + 1, 'chain head does not match the last entry (entries removed?)');
  }
  return { ok: true, count, headSeq };
}

/** The audit entries of one case, oldest first (for the case history). */
export async function caseAudit(db: Queryable, caseId: string): Promise<AuditRecord[]> {
  const { rows } = await db.query<AuditRow>(
    `SELECT seq, prev_hash, hash, actor_type, actor_id, action, case_id, details, created_at
       FROM audit_events WHERE case_id = $1 ORDER BY seq`,
    [caseId],
  );
  return rows.map(rowToRecord);
}
