// The Express application: request ids, security headers, body limits, structured access logs,
// readiness, feature routers, and one JSON error format for everything (404 included).
import express, { type Express, type NextFunction, type Request, type Response, type Router } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { HttpError } from './errors.js';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface AppDeps {
  logger: Logger;
  readiness: ReadinessCheck[];
  /** Feature routers mounted in order: [mountPath, router]. */
  routers?: Array<[string, Router]>;
  /** JSON body limit for ordinary requests (uploads stream and have their own caps). */
  jsonLimit?: string;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.use((req, res, next) => {
    const incoming = req.get('x-request-id');
    const id = incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    (req as Request & { id: string }).id = id;
    res.setHeader('x-request-id', id);
    next();
  });
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req) => (req as unknown as { id: string }).id,
      // Never the raw URL: paths carry tokens and ids. The matched route pattern is enough.
      serializers: {
        req: (req: { id: string; method: string; raw?: Request }) => ({
          id: req.id,
          method: req.method,
          route: routeOf(req.raw),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
    }),
  );
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          imgSrc: ["'self'", 'blob:', 'data:'],
          mediaSrc: ["'self'", 'blob:'],
          styleSrc: ["'self'", "'unsafe-inline'"],
        },
      },
    }),
  );
  app.use(express.json({ limit: deps.jsonLimit ?? '100kb' }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      deps.readiness.map(async (c) => {
        try {
          await c.check();
          return { name: c.name, ok: true };
        } catch (e) {
          return { name: c.name, ok: false, error: (e as Error).message };
        }
      }),
    );
    const ok = results.every((r) => r.ok);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not_ready', checks: results });
  });

  for (const [path, router] of deps.routers ?? []) app.use(path, router);

  app.use((_req, _res, next) => next(new HttpError(404, 'not_found', 'No such endpoint')));
  app.use(errorHandler(deps.logger));
  return app;
}

function routeOf(req?: Request): string {
  if (!req) return 'unknown';
  return req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
}

export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    let status = 500;
    let code = 'internal_error';
    let message = 'Internal error';
    let details: unknown;
    if (err instanceof HttpError) {
      ({ status, code, message, details } = err);
    } else if (isBodyParserError(err)) {
      status = err.status;
      code = err.type === 'entity.too.large' ? 'payload_too_large' : 'invalid_body';
      message = err.type === 'entity.too.large' ? 'Request body too large' : 'Malformed request body';
    } else {
      logger.error({ err, reqId: (req as Request & { id?: string }).id }, 'unhandled error');
    }
    if (res.headersSent) return;
    res.status(status).json({ error: { code, message, ...(details === undefined ? {} : { details }) } });
  };
}

function isBodyParserError(e: unknown): e is { status: number; type: string } {
  return (
    typeof e === 'object' &&
    e !== null &&
    'type' in e &&
    'status' in e &&
    typeof (e as { status: unknown }).status === 'number'
  );
}
