// Audit anchoring: the audit chain's head (last seq and hash) signed with the evidence key and exported out of the
// database. Whoever holds an exported anchor can later prove that the database's chain still contains that exact
// entry: a rewrite (entries changed and the chain recomputed, or entries dropped) cannot reproduce the signed hash.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/index.js';
import { verifyAuditChain } from '../audit/audit-repository.js';
import { signCanonical, verifyCanonical } from './signature.js';
import type { PublishedKeySet, SigningKey } from './keys.js';
import { auditEntryHash, auditHead, insertAnchor } from './anchor-repository.js';

export const ANCHOR_FORMAT = 'idv-audit-anchor/1';

export interface AuditAnchor {
  format: typeof ANCHOR_FORMAT;
  seq: number;
  hash: string;
  signedAt: string;
  keyId: string;
  /** Ed25519 over canonical JSON of the fields above. */
  signature: string;
}

export async function createAnchor(db: Db, key: SigningKey, now: Date): Promise<AuditAnchor> {
  const head = await auditHead(db);
  const body = {
    format: ANCHOR_FORMAT,
    seq: head.seq,
    hash: head.hash,
    signedAt: now.toISOString(),
    keyId: key.keyId,
  };
  const anchor: AuditAnchor = { ...body, format: ANCHOR_FORMAT, signature: signCanonical(body, key) };
  await insertAnchor(db, {
    seq: anchor.seq,
    hash: anchor.hash,
    keyId: key.keyId,
    signature: anchor.signature,
    signedAt: now,
  });
  return anchor;
}

/** Writes the anchor to `dir` as anchor-<seq>.json (the periodic export); returns the path. */
export function exportAnchor(anchor: AuditAnchor, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `anchor-${String(anchor.seq).padStart(12, '0')}.json`);
  writeFileSync(path, `${JSON.stringify(anchor, null, 2)}\n`);
  return path;
}

export interface AnchorVerification {
  ok: boolean;
  anchorSeq?: number;
  chainLength?: number;
  problems: string[];
}

/** The anchor's signature, then the database's chain: intact, and holding the anchored entry with the anchored hash. */
export async function verifyAgainstAnchor(
  db: Db,
  anchorJson: unknown,
  keys: PublishedKeySet,
): Promise<AnchorVerification> {
  const a = anchorJson as Partial<AuditAnchor>;
  if (
    a?.format !== ANCHOR_FORMAT ||
    typeof a.seq !== 'number' ||
    typeof a.hash !== 'string' ||
    !a.keyId ||
    !a.signature
  )
    return { ok: false, problems: [`anchor: not an audit anchor (format ${ANCHOR_FORMAT} expected)`] };
  const problems: string[] = [];
  const { signature, ...body } = a as AuditAnchor;
  const sig = verifyCanonical(body, signature, a.keyId, keys);
  if (!sig.ok) problems.push(`anchor signature: ${sig.problem}`);
  const chain = await verifyAuditChain(db);
  if (!chain.ok) problems.push(`audit chain: broken at entry seq ${chain.brokenAt} (${chain.reason})`);
  const stored = await auditEntryHash(db, a.seq);
  if (a.seq > 0 && stored === undefined)
    problems.push(`audit entry seq ${a.seq}: missing from the database (the chain was truncated)`);
  else if (a.seq > 0 && stored !== a.hash)
    problems.push(`audit entry seq ${a.seq}: hash differs from the anchored hash (the chain was rewritten)`);
  return { ok: problems.length === 0, anchorSeq: a.seq, chainLength: chain.headSeq, problems };
}
