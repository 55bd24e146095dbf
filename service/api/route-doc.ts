// One row per route (method, path, auth, the zod schemas the handler parses with, answers), turned into
// OpenAPI 3.1 operations with zod v4's own JSON Schema export: what is documented is what is parsed.
import { z } from 'zod';

type Json = Record<string, unknown>;

export type RouteAuth = 'none' | 'apiKey' | 'applicant' | 'session' | 'bearer';

export interface RouteDoc {
  method: 'get' | 'head' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path, `{param}` style. */
  path: string;
  operationId: string;
  summary: string;
  auth: RouteAuth;
  params?: Record<string, z.ZodType>;
  query?: z.ZodObject;
  /** Request headers the route reads (name → schema; required unless the schema accepts undefined). */
  headers?: Record<string, z.ZodType>;
  body?: z.ZodType;
  /** A non-JSON request body (its content type), e.g. the bytes of a tus PATCH. */
  rawBody?: string;
  /** Success status → description and (JSON) schema; `contentType` for non-JSON answers. */
  ok: Record<string, { description: string; schema?: z.ZodType; contentType?: string }>;
  /** Error statuses → description; every error answer is the shared Error object. */
  errors: Record<string, string>;
}

export const jsonSchema = (t: z.ZodType, io: 'input' | 'output' = 'output'): Json => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(t, { io, unrepresentable: 'any' }) as Json;
  return rest;
};

const SECURITY: Record<RouteAuth, Array<Record<string, string[]>>> = {
  none: [],
  apiKey: [{ apiKey: [] }],
  applicant: [{ applicantToken: [] }],
  session: [{ reviewerSession: [] }],
  bearer: [{ metricsToken: [] }],
};

/** Security schemes the route tables refer to (besides apiKey and applicantToken of the public API). */
export const routeSecuritySchemes = {
  reviewerSession: {
    type: 'apiKey',
    in: 'cookie',
    name: 'idv_session',
    description: 'Reviewer console session; state-changing calls also need the X-CSRF-Token header',
  },
  metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN (Prometheus scrape)' },
};

const errorAnswer = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

function operation(r: RouteDoc): Json {
  const parameters = [
    ...Object.entries(r.params ?? {}).map(([name, t]) => ({
      name,
      in: 'path',
      required: true,
      schema: jsonSchema(t, 'input'),
    })),
    ...Object.entries(r.query?.shape ?? {}).map(([name, t]) => ({
      name,
      in: 'query',
      required: !(t as z.ZodType).safeParse(undefined).success,
      schema: jsonSchema(t as z.ZodType, 'input'),
    })),
    ...Object.entries(r.headers ?? {}).map(([name, t]) => ({
      name,
      in: 'header',
      required: !t.safeParse(undefined).success,
      schema: jsonSchema(t, 'input'),
    })),
  ];
  const responses: Json = {};
  for (const [status, o] of Object.entries(r.ok)) {
    responses[status] = {
      description: o.description,
      ...(o.schema || o.contentType
        ? {
            content: {
              [o.contentType ?? 'application/json']: o.schema ? { schema: jsonSchema(o.schema) } : {},
            },
          }
        : {}),
    };
  }
  for (const [status, d] of Object.entries(r.errors)) responses[status] = errorAnswer(d);
  return {
    operationId: r.operationId,
    summary: r.summary,
    security: SECURITY[r.auth],
    ...(parameters.length ? { parameters } : {}),
    ...(r.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchema(r.body, 'input') } },
          },
        }
      : r.rawBody
        ? {
            requestBody: {
              required: true,
              content: { [r.rawBody]: { schema: { type: 'string', format: 'binary' } } },
            },
          }
        : {}),
    responses,
  };
}

/** OpenAPI `paths` of a route table. */
export function pathsOf(table: readonly RouteDoc[]): Record<string, Json> {
  const paths: Record<string, Json> = {};
  for (const r of table) paths[r.path] = { ...paths[r.path], [r.method]: operation(r) };
  return paths;
}
