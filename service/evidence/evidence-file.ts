// The evidence file: one JSON document holding the manifest, the PDF summary (base64), their sha256 digests and
// an Ed25519 signature over the digests. `verifyEvidenceFile` needs only the file and the published public keys
// (offline) and names every part that does not match. Pure: node:crypto only.
import { entryHash } from '../audit/chain.js';
import type { AuditRecord } from '../audit/audit-repository.js';
import { canonicalJson, sha256Hex, signCanonical, verifyCanonical } from './signature.js';
import type { EvidenceManifest } from './manifest.js';
import type { PublishedKeySet, SigningKey } from './keys.js';

export const EVIDENCE_FORMAT = 'idv-evidence/1';

export interface EvidenceFile {
  format: typeof EVIDENCE_FORMAT;
  manifest: EvidenceManifest;
  /** The PDF summary for people, base64. */
  pdf: string;
  /** sha256 (hex) of canonical JSON of `manifest`, and of the PDF bytes. */
  digests: { manifest: string; pdf: string };
  /** Ed25519 over canonical JSON of {format, keyId, digests}. */
  signature: { alg: 'Ed25519'; keyId: string; value: string };
}

const signedPart = (format: string, keyId: string, digests: EvidenceFile['digests']) => ({
  format,
  keyId,
  digests,
});

export function sealEvidence(manifest: EvidenceManifest, pdf: Buffer, key: SigningKey): EvidenceFile {
  const digests = { manifest: sha256Hex(canonicalJson(manifest)), pdf: sha256Hex(pdf) };
  return {
    format: EVIDENCE_FORMAT,
    manifest,
    pdf: pdf.toString('base64'),
    digests,
    signature: {
      alg: 'Ed25519',
      keyId: key.keyId,
      value: signCanonical(signedPart(EVIDENCE_FORMAT, key.keyId, digests), key),
    },
  };
}

/** The bytes stored and served: pretty JSON, so that a person can read the manifest in any editor. */
export function serialiseEvidence(f: EvidenceFile): Buffer {
  return Buffer.from(`${JSON.stringify(f, null, 2)}\n`);
}

export interface EvidenceVerification {
  ok: boolean;
  caseId?: string;
  reference?: string;
  outcome?: string | null;
  keyId?: string;
  auditEntries?: number;
  /** One line per part that does not match, naming it. Empty when ok. */
  problems: string[];
}

/** Each entry re-hashes to its own hash; consecutive entries (seq n, n+1) are linked. */
export function checkAuditExcerpt(entries: AuditRecord[], caseId?: string): string[] {
  const problems: string[] = [];
  let prev: AuditRecord | undefined;
  for (const e of entries) {
    const { prevHash, hash, ...entry } = e;
    const label = `audit entry seq ${String(e.seq)} (${String(e.action)})`;
    if (typeof prevHash !== 'string' || typeof hash !== 'string')
      problems.push(`${label}: chain hashes missing`);
    else if (entryHash(prevHash, entry) !== hash)
      problems.push(`${label}: content does not match its chain hash`);
    if (prev && !(e.seq > prev.seq)) problems.push(`${label}: out of order`);
    if (prev && e.seq === prev.seq + 1 && prevHash !== prev.hash)
      problems.push(`${label}: does not link to entry seq ${prev.seq}`);
    if (caseId && e.caseId !== caseId) problems.push(`${label}: belongs to another case`);
    prev = e;
  }
  return problems;
}

export function verifyEvidenceFile(bytes: Buffer | string, keys: PublishedKeySet): EvidenceVerification {
  let f: Partial<EvidenceFile>;
  try {
    f = JSON.parse(bytes.toString()) as Partial<EvidenceFile>;
  } catch (e) {
    return { ok: false, problems: [`file: not valid JSON (${(e as Error).message})`] };
  }
  if (f.format !== EVIDENCE_FORMAT || !f.manifest || typeof f.pdf !== 'string' || !f.digests || !f.signature)
    return { ok: false, problems: [`file: not an evidence file (format ${EVIDENCE_FORMAT} expected)`] };
  const problems: string[] = [];
  const m = f.manifest;
  if (sha256Hex(canonicalJson(m)) !== f.digests.manifest)
    problems.push('manifest: sha256 does not match the signed digest (the manifest was altered)');
  const pdf = Buffer.from(f.pdf, 'base64');
  if (pdf.toString('base64') !== f.pdf.replace(/\s/g, '')) problems.push('pdf: not valid base64');
  else if (sha256Hex(pdf) !== f.digests.pdf)
    problems.push('pdf: sha256 does not match the signed digest (the PDF was altered)');
  const audit = Array.isArray(m.audit) ? m.audit : [];
  problems.push(...checkAuditExcerpt(audit, m.case?.id));
  const sig = verifyCanonical(
    signedPart(f.format, f.signature.keyId, f.digests),
    f.signature.value,
    f.signature.keyId,
    keys,
  );
  if (!sig.ok) problems.push(`signature: ${sig.problem}`);
  return {
    ok: problems.length === 0,
    caseId: m.case?.id,
    reference: m.case?.reference,
    outcome: m.case?.outcome,
    keyId: f.signature.keyId,
    auditEntries: audit.length,
    problems,
  };
}
