// Building, storing and reading evidence files. Built once per final decision (outbox topic `evidence`, written
// in the decision's transaction), or on demand when the business service asks before the outbox has run.
// The file is sealed in the media store like any object at rest; its row keeps its sha256 and retention date.
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Db } from '../db/index.js';
import { appendAudit } from '../audit/audit-repository.js';
import { mediaStoreFor, readAll, type MediaStore } from '../storage/index.js';
import type { Config } from '../config/index.js';
import { loadEvidenceKeys } from './keys.js';
import { buildManifest } from './manifest.js';
import { renderEvidencePdf } from './pdf.js';
import { sealEvidence, serialiseEvidence } from './evidence-file.js';
import type { EvidenceKeys } from './keys.js';
import {
  FINAL_CASE_STATUSES,
  finalDecisionId,
  insertEvidenceFile,
  latestEvidence,
  loadCaseRecord,
  type EvidenceFileRow,
} from './evidence-repository.js';

export interface EvidenceServiceDeps {
  db: Db;
  store: MediaStore;
  keys: EvidenceKeys;
  /** RETENTION_EVIDENCE_YEARS. */
  evidenceYears: number;
  /** Clock (tests inject one). Default: the system clock. */
  now?: () => Date;
}

export type BuildOutcome =
  { status: 'built' | 'exists'; row: EvidenceFileRow } | { status: 'not_found' | 'not_final' | 'erased' };

export interface EvidenceService {
  /** Builds the evidence file of the case's final decision unless it exists. Idempotent. */
  build(caseId: string): Promise<BuildOutcome>;
  /** The latest evidence file's bytes, built first when the case is final and has none yet. */
  read(caseId: string): Promise<{ outcome: BuildOutcome; bytes?: Buffer }>;
}

export function addYears(d: Date, years: number): Date {
  const x = new Date(d.getTime());
  x.setUTCFullYear(x.getUTCFullYear() + years);
  return x;
}

export function createEvidenceService(deps: EvidenceServiceDeps): EvidenceService {
  const clock = deps.now ?? (() => new Date());

  async function build(caseId: string): Promise<BuildOutcome> {
    const rec = await loadCaseRecord(deps.db, caseId);
    if (!rec) return { status: 'not_found' };
    if (!(FINAL_CASE_STATUSES as readonly string[]).includes(rec.case.status)) return { status: 'not_final' };
    const decisionId = finalDecisionId(rec);
    if (!decisionId) return { status: 'not_final' };
    const latest = await latestEvidence(deps.db, caseId);
    if (latest && latest.decisionId === decisionId) return { status: 'exists', row: latest };
    const now = clock();
    const retainUntil = addYears(rec.case.decidedAt ?? now, deps.evidenceYears);
    const manifest = buildManifest(rec, decisionId, now, retainUntil);
    const pdf = await renderEvidencePdf(manifest, deps.keys.signing.keyId);
    const bytes = serialiseEvidence(sealEvidence(manifest, pdf, deps.keys.signing));
    const stored = await deps.store.put(Readable.from([bytes]), { caseId, purpose: 'evidence' });
    const result = await deps.db.tx(async (q) => {
      const r = await insertEvidenceFile(q, {
        id: randomUUID(),
        caseId,
        decisionId,
        keyId: deps.keys.signing.keyId,
        storageKey: stored.key,
        sha256: stored.sha256,
        sizeBytes: stored.size,
        retainUntil,
        createdAt: now,
      });
      if (r.inserted)
        await appendAudit(q, {
          actorType: 'system',
          actorId: 'evidence',
          action: 'evidence.created',
          caseId,
          details: { evidenceId: r.row.id, decisionId, keyId: r.row.keyId, sha256: r.row.sha256 },
        });
      return r;
    });
    // Lost a race with another builder: keep theirs, drop our copy.
    if (!result.inserted) await deps.store.delete(stored.key);
    return { status: result.inserted ? 'built' : 'exists', row: result.row };
  }

  return {
    build,
    async read(caseId) {
      let row = await latestEvidence(deps.db, caseId);
      let outcome: BuildOutcome;
      const built = await build(caseId);
      if (built.status === 'built' || built.status === 'exists') {
        row = built.row;
        outcome = built;
      } else if (row) {
        outcome = { status: 'exists', row };
      } else {
        return { outcome: built };
      }
      if (row.purgedAt) return { outcome: { status: 'erased' } };
      return { outcome, bytes: await readAll(deps.store, row.storageKey) };
    },
  };
}

/** The deployment's evidence service from its configuration (the composition root, the CLI, tests). */
export function evidenceFor(
  c: {
    config: Pick<
      Config,
      | 'DATA_DIR'
      | 'MEDIA_ENCRYPTION_KEY'
      | 'EVIDENCE_SIGNING_KEY_FILE'
      | 'EVIDENCE_RETIRED_KEYS_DIR'
      | 'NODE_ENV'
      | 'RETENTION_EVIDENCE_YEARS'
    >;
    db: Db;
  },
  now?: () => Date,
): EvidenceService {
  return createEvidenceService({
    db: c.db,
    store: mediaStoreFor(c.config, c.db),
    keys: loadEvidenceKeys(c.config),
    evidenceYears: c.config.RETENTION_EVIDENCE_YEARS,
    ...(now ? { now } : {}),
  });
}
