// The evidence feature: the evidence file of every final outcome (outbox topic `evidence`, written in the
// decision's transaction by service/cases/decisions.ts), its download route and the published keys.
import type { Feature, FeatureFactory } from '../features.js';
import type { Runtime } from '../server.js';
import { mediaStoreFor } from '../storage/index.js';
import { registerOutboxHandler } from '../outbox/registry.js';
import { loadEvidenceKeys } from './keys.js';
import { createEvidenceService, type EvidenceService } from './service.js';
import { evidenceKeysRouter, evidenceRouter } from './router.js';

export const EVIDENCE_TOPIC = 'evidence';

export function evidenceFor(rt: Pick<Runtime, 'config' | 'db'>, now?: () => Date): EvidenceService {
  return createEvidenceService({
    db: rt.db,
    store: mediaStoreFor(rt.config),
    keys: loadEvidenceKeys(rt.config),
    evidenceYears: rt.config.RETENTION_EVIDENCE_YEARS,
    ...(now ? { now } : {}),
  });
}

export const evidenceFeature: FeatureFactory = (rt): Feature => {
  const keys = loadEvidenceKeys(rt.config);
  const svc = createEvidenceService({
    db: rt.db,
    store: mediaStoreFor(rt.config),
    keys,
    evidenceYears: rt.config.RETENTION_EVIDENCE_YEARS,
  });
  registerOutboxHandler(EVIDENCE_TOPIC, async (row) => {
    const caseId = row.caseId ?? (row.payload as { caseId?: string }).caseId;
    if (!caseId) throw new Error('evidence outbox row without caseId');
    await svc.build(caseId);
  });
  return {
    name: 'evidence',
    routers: [
      ['/v1', evidenceRouter(svc, rt.config.API_KEYS)],
      ['/', evidenceKeysRouter(keys.published)],
    ],
  };
};
