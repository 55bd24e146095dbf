// SQL of audit anchoring: the chain head, one entry's hash, the anchors table.
import type { Queryable } from '../db/index.js';

export async function auditHead(q: Queryable): Promise<{ seq: number; hash: string }> {
  const r = await q.query<{ seq: string | number; hash: string }>(
    'SELECT seq, hash FROM audit_head WHERE id = 1',
  );
  const h = r.rows[0];
  if (!h) throw new Error('audit_head row missing');
  return { seq: Number(h.seq), hash: h.hash };
}

export async function auditEntryHash(q: Queryable, seq: number): Promise<string | undefined> {
  const r = await q.query<{ hash: string }>('SELECT hash FROM audit_events WHERE seq = $1', [seq]);
  return r.rows[0]?.hash;
}

export async function insertAnchor(
  q: Queryable,
  a: { seq: number; hash: string; keyId: string; signature: string; signedAt: Date },
): Promise<void> {
  await q.query(
    `INSERT INTO audit_anchors (seq, hash, key_id, signature, signed_at) VALUES ($1,$2,$3,$4,$5)
     ON CONFLICT (seq, key_id) DO NOTHING`,
    [a.seq, a.hash, a.keyId, a.signature, a.signedAt],
  );
}
