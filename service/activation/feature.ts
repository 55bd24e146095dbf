// The activation feature area: applicant and business-service routes, the letter page, the delivery
// worker, and the handler of outbox topic `activation` (written in the approval transaction by the
// pipeline's auto-approval or the reviewer's decision; delivered by service/outbox's dispatcher).
import type { Feature, FeatureFactory } from '../features.js';
import type { OutboxRow } from '../cases/index.js';
import { registerOutboxHandler, type OutboxHandler } from '../outbox/registry.js';
import { activationRouter, letterRouter } from '../api/activation/routes.js';
import { activationFor, type ActivationService } from './service.js';

export const ACTIVATION_TOPIC = 'activation';

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

export const activationFeature: FeatureFactory = (rt): Feature => {
  const svc = activationFor(rt);
  registerOutboxHandler(ACTIVATION_TOPIC, activationOutboxHandler(svc));
  return {
    name: 'activation',
    routers: [
      ['/v1/activations', activationRouter(svc, rt.config.API_KEYS)],
      ['/letters', letterRouter(svc)],
    ],
    startWorkers: () => svc.startWorkers(),
    stop: () => svc.stop(),
  };
};
