// The handler of outbox topic `activation` (written in the approval transaction by the pipeline's
// auto-approval or the reviewer's decision; delivered by service/outbox's dispatcher).
import type { OutboxRow } from '../cases/index.js';
import type { OutboxHandler } from '../outbox/dispatcher.js';
import type { ActivationService } from './service.js';

/** Outbox payload of topic `activation`. */
export interface ActivationOutboxPayload {
  caseId: string;
}

/**
 * Outbox topic `activation`: issue the first code and queue the e-letter and the SMS. Idempotent, as
 * the dispatcher delivers at least once: a redelivered row creates nothing and only re-queues the
 * pending deliveries. A missing or unapproved case throws (ActivationError, no personal data in the
 * message): the dispatcher retries, then keeps the row as failed for ops.
 */
export function activationOutboxHandler(svc: ActivationService): OutboxHandler {
  return async (row: OutboxRow) => {
    const caseId = (row.payload as Partial<ActivationOutboxPayload>).caseId ?? row.caseId;
    if (typeof caseId !== 'string') throw new Error('activation outbox row without caseId');
    await svc.handleApproval(caseId);
  };
}
