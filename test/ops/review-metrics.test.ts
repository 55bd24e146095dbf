// Review and decision metrics read from a real PostgreSQL database as cases move: queue depth, oldest case
// in working hours, at-risk count, SLA breaches (through the review area's own expiry), decisions by outcome
// and reason, submission-to-decision latency.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Db } from '../../service/db/index.js';
import { createOpsMetrics, type OpsMetrics } from '../../service/ops/metrics.js';
import { parsePromText, type Sample } from '../../service/ops/prom-text.js';
import { addWorkingHours, workingHoursBetween } from '../../service/review/calendar.js';
import { expireCase } from '../../service/review/expiry.js';
import { freshDb } from './fresh-db.js';

let fresh: Awaited<ReturnType<typeof freshDb>>;
let db: Db;
let metrics: OpsMetrics;
const sla = { slaWorkingHours: 48, atRiskHours: 12 };

const scrape = async (): Promise<Sample[]> => parsePromText(await metrics.registry.metrics());
const value = (s: Sample[], name: string, labels: Record<string, string> = {}) =>
  s
    .filter((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v))
    .reduce((a, x) => a + x.value, 0);

async function insertCase(status: string, submittedAt: Date, deadline: Date | null): Promise<string> {
  const id = randomUUID();
  await db.query(
    `INSERT INTO cases (id, reference, status, lang, applicant, expires_at, submitted_at, review_deadline)
     VALUES ($1, $2, $3, 'fr', '{}'::jsonb, $4, $5, $6)`,
    [id, `ops-${id}`, status, new Date(Date.now() + 86400_000), submittedAt, deadline],
  );
  return id;
}

async function decide(caseId: string, outcome: string, reasons: string[], at = new Date()): Promise<void> {
  await db.query(
    `INSERT INTO decisions (case_id, attempt, source, outcome, reasons, created_at) VALUES ($1, 1, 'auto', $2, $3, $4)`,
    [caseId, outcome, reasons, at],
  );
}

beforeAll(async () => {
  fresh = await freshDb();
  db = fresh.db;
  metrics = createOpsMetrics({ db, queues: [], sla });
});
afterAll(async () => {
  await fresh?.drop();
});

describe('review and decision metrics', () => {
  it('follow the review queue and breaches', async () => {
    let s = await scrape();
    expect(value(s, 'idv_review_queue_depth')).toBe(0);
    expect(value(s, 'idv_review_at_risk')).toBe(0);
    expect(value(s, 'idv_sla_breaches_total')).toBe(0);

    const now = new Date();
    const oldSubmit = new Date(now.getTime() - 30 * 3600_000);
    await insertCase('in_review', oldSubmit, addWorkingHours(now, 2)); // at risk: 2 working hours left
    await insertCase('in_review', new Date(now.getTime() - 60_000), addWorkingHours(now, 40));
    const late = await insertCase(
      'in_review',
      new Date(now.getTime() - 120_000),
      new Date(now.getTime() - 1000),
    );
    await new Promise((r) => setTimeout(r, 1100)); // review stats are cached for 1 s per scrape
    s = await scrape();
    expect(value(s, 'idv_review_queue_depth')).toBe(3);
    expect(value(s, 'idv_review_at_risk')).toBe(1); // 2 h left (a case past its deadline is a breach, not at risk)
    const expectedOldest = workingHoursBetween(oldSubmit, new Date());
    expect(Math.abs(value(s, 'idv_review_oldest_working_hours') - expectedOldest)).toBeLessThan(0.1);

    expect(await expireCase(db, late)).toBe('expired');
    await new Promise((r) => setTimeout(r, 1100));
    s = await scrape();
    expect(value(s, 'idv_review_queue_depth')).toBe(2);
    expect(value(s, 'idv_sla_breaches_total')).toBe(1);
    expect(value(s, 'idv_decisions_total', { outcome: 'expire', reason: 'none' })).toBe(1);
    expect(s.find((x) => x.name === 'idv_sla_breaches_total')).toBeDefined();
  });

  it('count decisions by outcome and reason, and observe submission-to-decision latency of final decisions', async () => {
    let s = await scrape(); // the latency cursor starts at the newest decision already persisted
    const latencyBefore = value(s, 'idv_decision_latency_seconds_count');
    const sumBefore = value(s, 'idv_decision_latency_seconds_sum');
    const le4Before = value(s, 'idv_decision_latency_seconds_bucket', { le: '4' });
    const now = Date.now();
    const a = await insertCase('approved', new Date(now - 3000), null);
    await decide(a, 'approve', [], new Date(now));
    const b = await insertCase('rejected', new Date(now - 5000), null);
    await decide(b, 'reject', ['FACE_MISMATCH', 'DIGITS_MISMATCH'], new Date(now));
    const c = await insertCase('in_review', new Date(now - 1000), addWorkingHours(new Date(), 30));
    await decide(c, 'review', ['FACE_MISMATCH'], new Date(now));

    s = await scrape();
    expect(value(s, 'idv_decisions_total', { outcome: 'approve', reason: 'none' })).toBe(1);
    expect(value(s, 'idv_decisions_total', { outcome: 'reject', reason: 'FACE_MISMATCH' })).toBe(1);
    expect(value(s, 'idv_decisions_total', { outcome: 'reject', reason: 'DIGITS_MISMATCH' })).toBe(1);
    expect(value(s, 'idv_decisions_total', { outcome: 'review', reason: 'FACE_MISMATCH' })).toBe(1);
    // The review hand-off is not a final decision: two observations (3 s and 5 s).
    expect(value(s, 'idv_decision_latency_seconds_count') - latencyBefore).toBe(2);
    expect(value(s, 'idv_decision_latency_seconds_sum') - sumBefore).toBeCloseTo(8, 1);
    expect(value(s, 'idv_decision_latency_seconds_bucket', { le: '4' }) - le4Before).toBe(1);

    // A second scrape neither re-observes nor resets.
    s = await scrape();
    expect(value(s, 'idv_decision_latency_seconds_count') - latencyBefore).toBe(2);
    expect(value(s, 'idv_decisions_total', { outcome: 'reject', reason: 'FACE_MISMATCH' })).toBe(1);
    // Default process metrics are there too.
    expect(s.some((x) => x.name === 'process_cpu_user_seconds_total')).toBe(true);
  });
});
