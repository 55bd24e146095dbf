// OpenAPI description of the evidence and retention routes, merged into /openapi.json by the API document.
import { z } from 'zod';
import type { RouteDoc } from '../api/route-doc.js';
import { holdBody } from './router.js';
const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});
const apiKey = [{ apiKey: [] }];
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };

export const retentionOpenApiPaths = {
  '/v1/verifications/{id}/evidence': {
    get: {
      operationId: 'getEvidence',
      summary: 'The signed evidence file of a verification (business service)',
      description:
        'Built at each final outcome (approved, rejected, expired): a JSON document with the manifest (timeline, challenge and ' +
        'transcript, each check with its result and score, reasons and policy version, every decision with reviewer id and time, ' +
        'the audit entries of the case with their chain hashes, sha256 of every media item), the PDF summary (base64), their ' +
        'sha256 digests and an Ed25519 signature. Check it offline with `idv evidence verify <file> --keys <key set>`. ' +
        '`?format=pdf` returns the PDF summary alone.',
      security: apiKey,
      parameters: [
        idParam,
        { name: 'format', in: 'query', required: false, schema: { enum: ['json', 'pdf'] } },
      ],
      responses: {
        200: {
          description: 'The evidence file',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['format', 'manifest', 'pdf', 'digests', 'signature'],
                properties: {
                  format: { const: 'idv-evidence/1' },
                  manifest: { type: 'object' },
                  pdf: { type: 'string', contentEncoding: 'base64' },
                  digests: {
                    type: 'object',
                    properties: { manifest: { type: 'string' }, pdf: { type: 'string' } },
                  },
                  signature: {
                    type: 'object',
                    properties: {
                      alg: { const: 'Ed25519' },
                      keyId: { type: 'string' },
                      value: { type: 'string', contentEncoding: 'base64' },
                    },
                  },
                },
              },
            },
            'application/pdf': { schema: { type: 'string', format: 'binary' } },
          },
        },
        401: errorResponse('Missing or wrong API key'),
        404: errorResponse('No such verification'),
        409: errorResponse('No final outcome yet (not_final)'),
        410: errorResponse('Purged at the end of RETENTION_EVIDENCE_YEARS (evidence_purged)'),
      },
    },
  },
  '/v1/verifications/{id}/personal-data': {
    delete: {
      operationId: 'erasePersonalData',
      summary: 'Erase the personal data of a verification at once (business service)',
      description:
        'Deletes the media (photos, video, face crops), the declared identity and contact data, the MRZ reading, reviewer notes ' +
        'and the applicant link. What the evidence retention requires stays (the evidence file, built first if needed; the ' +
        'verification record without personal data; the audit entries), and the response says what and why.',
      security: apiKey,
      parameters: [idParam],
      responses: {
        200: {
          description: 'What was deleted and what was kept',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['id', 'erasedAt', 'deleted', 'kept', 'auditSeq'],
                properties: {
                  id: { type: 'string', format: 'uuid' },
                  erasedAt: { type: 'string', format: 'date-time' },
                  deleted: {
                    type: 'array',
                    items: {
                      type: 'object',
                      properties: { item: { type: 'string' }, count: { type: 'integer' } },
                    },
                  },
                  kept: {
                    type: 'array',
                    items: {
                      type: 'object',
                      properties: {
                        item: { type: 'string' },
                        until: { type: 'string', format: 'date-time' },
                        why: { type: 'string' },
                      },
                    },
                  },
                  auditSeq: { type: 'integer', description: 'Audit entry holding the purge receipt' },
                },
              },
            },
          },
        },
        401: errorResponse('Missing or wrong API key'),
        404: errorResponse('No such verification'),
        409: errorResponse('Being processed or reviewed (in_progress), or under legal hold (legal_hold)'),
      },
    },
  },
  '/.well-known/idv-evidence-keys.json': {
    get: {
      operationId: 'getEvidenceKeys',
      security: [], // public keys, public by design
      summary: 'Public keys that sign evidence files and audit anchors (JWK set: current and retired keys)',
      responses: {
        200: {
          description: 'Key set',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  keys: {
                    type: 'array',
                    items: {
                      type: 'object',
                      properties: {
                        kty: { const: 'OKP' },
                        crv: { const: 'Ed25519' },
                        x: { type: 'string' },
                        kid: { type: 'string' },
                        status: { enum: ['current', 'retired'] },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};

/** Route table of the legal hold (console, admin only). */
export const retentionRoutes: readonly RouteDoc[] = [
  {
    method: 'put',
    path: '/api/retention/cases/{id}/legal-hold',
    operationId: 'setLegalHold',
    summary: 'Set or lift the legal hold of a case (admin session)',
    auth: 'session',
    params: { id: z.string().uuid() },
    body: holdBody,
    ok: { '200': { description: 'Hold state' } },
    errors: {
      '400': 'Invalid body',
      '401': 'No session',
      '403': 'Not an admin, or missing CSRF token',
      '404': 'No such case',
    },
  },
];
