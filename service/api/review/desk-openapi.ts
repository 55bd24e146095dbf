// Route table of the console's search, seen-before, QA, development outbox and per-reviewer figures.
import { z } from 'zod';
import type { RouteDoc } from '../route-doc.js';
import { qaBody, qaQuery, searchQuery } from './desk-router.js';

const id = { id: z.string().uuid() };
const denied = { '401': 'No session', '403': 'Role without the capability, or missing CSRF token' };

export const deskRoutes: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/api/review/search',
    operationId: 'reviewSearch',
    summary: 'Find cases by reference (or its beginning) or by id (whole, or its first 8+ characters)',
    auth: 'session',
    query: searchQuery,
    ok: { '200': { description: 'Matching cases: id, reference, status' } },
    errors: { '400': 'Invalid query', ...denied },
  },
  {
    method: 'get',
    path: '/api/review/cases/{id}/seen-before',
    operationId: 'reviewSeenBefore',
    summary: 'Other cases with the same document number or a close face under another identity (audited)',
    auth: 'session',
    params: id,
    ok: { '200': { description: 'The other cases, with their declared identity and media kinds' } },
    errors: { '400': 'Invalid id', ...denied },
  },
  {
    method: 'get',
    path: '/api/review/qa',
    operationId: 'reviewQaQueue',
    summary: 'The QA queue: automatically approved cases sampled for a second look (QA_SAMPLE_RATE)',
    auth: 'session',
    query: qaQuery,
    ok: { '200': { description: 'Sampled cases' } },
    errors: { '400': 'Invalid query', ...denied },
  },
  {
    method: 'get',
    path: '/api/review/qa/{id}',
    operationId: 'reviewQaItem',
    summary: 'The QA sample of one case',
    auth: 'session',
    params: id,
    ok: { '200': { description: 'The sample and its verdict' } },
    errors: { '400': 'Invalid id', ...denied, '404': 'Not in the QA sample' },
  },
  {
    method: 'post',
    path: '/api/review/qa/{id}',
    operationId: 'reviewQaVerdict',
    summary: 'Give the QA verdict on a sampled case (agree or disagree with its decision)',
    auth: 'session',
    params: id,
    body: qaBody,
    ok: { '200': { description: 'Verdict recorded' } },
    errors: {
      '400': 'Invalid body',
      ...denied,
      '404': 'Not in the QA sample',
      '409': 'Already has its verdict',
    },
  },
  {
    method: 'get',
    path: '/api/review/dev-outbox',
    operationId: 'reviewDevOutbox',
    summary: 'Development outbox: each e-letter and SMS as the applicant gets it (admins; development only)',
    auth: 'session',
    ok: { '200': { description: 'Messages, newest first' } },
    errors: { ...denied, '404': 'The outbox is not in use' },
  },
  {
    method: 'get',
    path: '/api/ops/reviewers',
    operationId: 'opsReviewers',
    summary:
      'Per reviewer: decisions by outcome, QA second looks given, and agreement of QA with their decisions',
    auth: 'session',
    ok: { '200': { description: 'QA totals and per-reviewer figures' } },
    errors: denied,
  },
];
