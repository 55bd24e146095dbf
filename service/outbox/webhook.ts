// Topic `webhook`: a signed POST to the business service. Signature = HMAC-SHA256(secret, timestamp + "." + body),
// sent as `X-IDV-Signature: v1=<hex>` with `X-IDV-Timestamp: <unix seconds>`; receivers should refuse stale timestamps.
// Delivery is at least once; `X-IDV-Delivery` is the event id (the outbox row id), identical on every redelivery.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { OutboxRow } from '../cases/index.js';
import type { OutboxHandler } from './dispatcher.js';

export const SIGNATURE_HEADER = 'x-idv-signature';
export const TIMESTAMP_HEADER = 'x-idv-timestamp';
export const DELIVERY_HEADER = 'x-idv-delivery';

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return 'v1=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** For receivers (and tests): constant-time check, with a freshness window in seconds. */
export function verifyWebhook(
  secret: string,
  timestamp: string,
  body: string,
  signature: string,
  nowSec = Date.now() / 1000,
  toleranceSec = 300,
): boolean {
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSec - Number(timestamp)) > toleranceSec) return false;
  const a = Buffer.from(signWebhook(secret, timestamp, body));
  const b = Buffer.from(signature);
  return a.length === b.length && timingSafeEqual(a, b);
}

export class WebhookDeliveryError extends Error {
  override name = 'WebhookDeliveryError';
}

export interface WebhookOptions {
  /** WEBHOOK_URL; without it, deliveries are recorded as done without a call (nothing to notify). */
  url?: string;
  secret: string;
  /** Per-request timeout. Default 10 s. */
  timeoutMs?: number;
}

export function createWebhookHandler(o: WebhookOptions): OutboxHandler {
  return async (row: OutboxRow) => {
    if (!o.url) return;
    const body = JSON.stringify(row.payload);
    const ts = String(Math.floor(Date.now() / 1000));
    let res: Response;
    try {
      res = await fetch(o.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [TIMESTAMP_HEADER]: ts,
          [SIGNATURE_HEADER]: signWebhook(o.secret, ts, body),
          // The event id (README): stable across retries and crash redeliveries, the receiver de-duplicates on it.
          [DELIVERY_HEADER]: row.id,
        },
        body,
        signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
      });
    } catch (e) {
      throw new WebhookDeliveryError(`webhook request failed: ${(e as Error).message}`);
    }
    await res.body?.cancel().catch(() => undefined);
    if (!res.ok) throw new WebhookDeliveryError(`webhook answered HTTP ${res.status}`);
  };
}
