// Route table of ops and health endpoints, documented in /openapi.json.
import { z } from 'zod';
import type { RouteDoc } from '../api/route-doc.js';

export const opsRoutes: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/api/ops/summary',
    operationId: 'opsSummary',
    summary: 'The one ops summary (review figures, timeline, queue series, failures): ops, supervisor, admin',
    auth: 'session',
    ok: { '200': { description: 'Summary' } },
    errors: { '401': 'No session', '403': 'Role without the ops capability' },
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    summary: 'Prometheus metrics',
    auth: 'bearer',
    ok: { '200': { description: 'Prometheus text format', contentType: 'text/plain' } },
    errors: { '401': 'Missing or wrong bearer token' },
  },
  {
    method: 'get',
    path: '/healthz',
    operationId: 'healthz',
    summary: 'Liveness: the process answers',
    auth: 'none',
    ok: { '200': { description: 'Alive', schema: z.object({ status: z.literal('ok') }) } },
    errors: {},
  },
  {
    method: 'get',
    path: '/readyz',
    operationId: 'readyz',
    summary: 'Readiness: database, Redis and the other checks',
    auth: 'none',
    // 503 lists the failed checks, not the Error object.
    ok: {
      '200': { description: 'Ready' },
      '503': { description: 'Not ready', contentType: 'application/json' },
    },
    errors: {},
  },
];
