// The OpenAPI 3.1 description of the public API, served at /openapi.json. Schemas come from the same zod
// definitions that validate requests, so the document cannot drift from the code on bodies.
import { Router } from 'express';
import { z } from 'zod';
import * as s from './applicant/schemas.js';
import { activationOpenApiPaths } from './activation/openapi.js';
import { retentionOpenApiPaths, retentionRoutes } from '../retention/openapi.js';
import { applicantAppOpenApiPaths, applicantRoutes } from './applicant/openapi-app.js';
import { reviewRoutes } from './review/openapi.js';
import { deskRoutes } from './review/desk-openapi.js';
import { opsRoutes } from '../ops/openapi.js';
import { pathsOf, routeSecuritySchemes, type RouteDoc } from './route-doc.js';

/** Every route table; a route of main-api missing here fails test/api/openapi-coverage.test.ts. */
export const ROUTE_TABLES: ReadonlyArray<readonly RouteDoc[]> = [
  applicantRoutes,
  reviewRoutes,
  deskRoutes,
  retentionRoutes,
  opsRoutes,
];

/** Path-by-path merge: two tables may document different methods of one path. */
function mergePaths(...all: Array<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const paths of all)
    for (const [p, ops] of Object.entries(paths)) out[p] = { ...out[p], ...(ops as Record<string, unknown>) };
  return out;
}

type Json = Record<string, unknown>;

const schema = (t: z.ZodType, io: 'input' | 'output' = 'output'): Json => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(t, { io, unrepresentable: 'any' }) as Json;
  return rest;
};

const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });
const error = (description: string) => ({ description, content: json('Error') });

const applicantAuth = [{ applicantToken: [] }];
const apiKeyAuth = [{ apiKey: [] }];

export function openApiDocument(): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Identity verification API',
      version: '1.0.0',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      description:
        'Remote identity verification. The business service creates a verification with its API key and hands the returned ' +
        'link to the applicant, who uploads the document photos and a selfie video (saying the challenge digits) with the link token.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        applicantToken: { type: 'http', scheme: 'bearer', description: 'The token of the applicant link' },
        ...routeSecuritySchemes,
      },
      schemas: {
        CreateVerificationRequest: schema(s.createVerificationBody, 'input'),
        CreateVerificationResponse: schema(s.createVerificationResponse),
        BusinessStatus: schema(s.businessStatusResponse),
        ApplicantStatus: schema(s.statusResponse),
        UploadResponse: schema(s.uploadResponse),
        SubmitResponse: schema(s.submitResponse),
        Error: schema(s.errorResponse),
      },
    },
    paths: mergePaths(
      {
        '/v1/verifications': {
          post: {
            operationId: 'createVerification',
            summary: 'Create a verification for an applicant',
            security: apiKeyAuth,
            requestBody: { required: true, content: json('CreateVerificationRequest') },
            responses: {
              '201': { description: 'Created', content: json('CreateVerificationResponse') },
              '400': error('Invalid request body'),
              '401': error('Missing or wrong API key'),
              '409': error('Duplicate reference'),
            },
          },
        },
        '/v1/verifications/{id}': {
          get: {
            operationId: 'getVerification',
            summary: 'Status and outcome of a verification (business service)',
            security: apiKeyAuth,
            parameters: [
              { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
            ],
            responses: {
              '200': { description: 'Current state', content: json('BusinessStatus') },
              '401': error('Missing or wrong API key'),
              '404': error('No such verification'),
            },
          },
        },
        '/v1/applicant/status': {
          get: {
            operationId: 'getApplicantStatus',
            summary: 'Status of the applicant’s verification, with stage progress while processing',
            security: applicantAuth,
            responses: {
              '200': { description: 'Current state', content: json('ApplicantStatus') },
              '401': error('Missing or invalid link token'),
            },
          },
        },
        '/v1/applicant/media/{kind}': {
          put: {
            operationId: 'uploadMedia',
            summary: 'Upload the document front, back, or the selfie video (multipart field "file")',
            security: applicantAuth,
            parameters: [
              {
                name: 'kind',
                in: 'path',
                required: true,
                schema: { type: 'string', enum: ['front', 'back', 'video'] },
              },
            ],
            requestBody: {
              required: true,
              content: {
                'multipart/form-data': {
                  schema: {
                    type: 'object',
                    required: ['file'],
                    properties: { file: { type: 'string', format: 'binary' } },
                  },
                },
              },
            },
            responses: {
              '201': { description: 'Stored (encrypted)', content: json('UploadResponse') },
              '400': error('Not a multipart upload, no file, or empty file'),
              '401': error('Missing or invalid link token'),
              '404': error('Unknown upload kind'),
              '409': error('Already submitted'),
              '410': error('Verification expired'),
              '413': error('File too large'),
              '415': error('File type not accepted (checked from the bytes)'),
              '422': error('File damaged or truncated, or a video outside the accepted duration'),
            },
          },
        },
        '/v1/applicant/submit': {
          post: {
            operationId: 'submit',
            summary: 'Submit the uploaded media for verification',
            security: applicantAuth,
            responses: {
              '202': { description: 'Processing started', content: json('SubmitResponse') },
              '400': error('Media missing'),
              '401': error('Missing or invalid link token'),
              '409': error('Already submitted, or the challenge expired (a new one is issued)'),
              '410': error('Verification expired'),
            },
          },
        },
        ...activationOpenApiPaths,
        ...applicantAppOpenApiPaths,
        ...retentionOpenApiPaths,
        '/openapi.json': {
          get: {
            operationId: 'openapi',
            summary: 'This document',
            security: [],
            responses: { '200': { description: 'OpenAPI document' } },
          },
        },
      },
      ...ROUTE_TABLES.map(pathsOf),
    ),
  };
}

export function createOpenApiRouter(): Router {
  const r = Router();
  const doc = openApiDocument();
  r.get('/openapi.json', (_req, res) => {
    res.json(doc);
  });
  return r;
}
