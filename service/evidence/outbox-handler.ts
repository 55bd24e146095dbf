// The handler of outbox topic `evidence` (written with every final decision by service/cases/decision-repository.ts):
// builds the signed evidence file once the decision has committed. Idempotent (one file per decision).
import type { OutboxRow } from '../cases/index.js';
import type { OutboxHandler } from '../outbox/dispatcher.js';
import type { EvidenceService } from './service.js';

export function evidenceOutboxHandler(svc: EvidenceService): OutboxHandler {
  return async (row: OutboxRow) => {
    const caseId = row.caseId ?? (row.payload as { caseId?: string }).caseId;
    if (typeof caseId !== 'string') throw new Error('evidence outbox row without caseId');
    await svc.build(caseId);
  };
}
