// The Express application: request ids, security headers, body limits, structured access logs,
// readiness, feature routers, and one JSON error format for everything (404 included).
import express, { type Express, type NextFunction, type Request, type Response, type Router } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { HttpError } from './errors.js';
import { inputGuard } from './input-guard.js';
import { DEPENDENCY_RETRY_AFTER_SEC, dependencyGuard, isDependencyError } from './dependency-guard.js';

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
  /** Served over HTTPS (COOKIE_SECURE): only then does the CSP ask browsers to upgrade requests to https. */
  secure?: boolean;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.use((req, res, next) => {
    trackRoute(req, res);
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
      // Never the raw URL: paths carry tokens and ids. The matched route pattern is enough; it is known only
      // once routing is done, so it is added to the line written when the response ends.
      customProps: (_req, res) => (res.writableEnded ? { route: routeOf(res) } : {}),
      serializers: {
        req: (req: { id: string; method: string }) => ({ id: req.id, method: req.method }),
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
          // Over plain HTTP the upgrade sends every script to an https:// that is not there: a blank console.
          upgradeInsecureRequests: deps.secure ? [] : null,
        },
      },
    }),
  );
  app.use(express.json({ limit: deps.jsonLimit ?? '100kb' }));
  app.use(inputGuard);

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

  // Every other request needs the database and Redis: 503 + Retry-After at once while one is down. Submitting
  // needs only the database (the recovery sweep enqueues what Redis could not take).
  const deps503 = deps.readiness.filter((c) => c.name === 'database' || c.name === 'redis');
  app.use(
    dependencyGuard(deps503, {
      tolerates: (req, down) =>
        req.method === 'POST' && req.path === '/v1/applicant/submit' && down.every((d) => d === 'redis'),
    }),
  );
  for (const [path, router] of deps.routers ?? []) app.use(path, router);

  app.use((_req, _res, next) => next(new HttpError(404, 'not_found', 'No such endpoint')));
  app.use(errorHandler(deps.logger));
  return app;
}

const ROUTE = Symbol('matched route');

/**
 * Records the full pattern of the route that matches (mount paths + route path) at the moment Express assigns
 * `req.route`: later, routers restore `baseUrl` on the way out, so the pattern can't be rebuilt at the end.
 */
function trackRoute(req: Request, res: Response): void {
  let current: unknown;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => current,
    set(v: { path?: unknown } | undefined) {
      current = v;
      if (v && typeof v.path === 'string')
        (res as Response & { [ROUTE]?: string })[ROUTE] = `${req.baseUrl}${v.path}`;
    },
  });
}

function routeOf(res: unknown): string {
  return (res as { [ROUTE]?: string })[ROUTE] ?? 'unmatched';
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
    } else if (isDependencyError(err)) {
      // The dependency went away during the request: the client retries.
      status = 503;
      code = 'service_unavailable';
      message = 'A service this request needs is unavailable; retry shortly';
      if (!res.headersSent) res.setHeader('Retry-After', String(DEPENDENCY_RETRY_AFTER_SEC));
      logger.warn(
        { err: safeError(err), reqId: (req as Request & { id?: string }).id },
        'dependency unavailable',
      );
    } else if (isClientHttpError(err)) {
      // serve-static and friends (http-errors): a missing file is 404, a traversal attempt 403, not a 500.
      status = err.status;
      code = status === 404 ? 'not_found' : status === 403 ? 'forbidden' : 'bad_request';
      message = status === 404 ? 'Not found' : status === 403 ? 'Forbidden' : 'Bad request';
    } else {
      logger.error({ err: safeError(err), reqId: (req as Request & { id?: string }).id }, 'unhandled error');
    }
    if (res.headersSent) return;
    res.status(status).json({ error: { code, message, ...(details === undefined ? {} : { details }) } });
  };
}

/**
 * A 4xx error of the HTTP stack (http-errors convention: a numeric `status`): serve-static's missing file (404,
 * an fs error) or traversal (403), the router's undecodable parameter (400). Its message is never sent.
 */
function isClientHttpError(e: unknown): e is { status: number } {
  if (typeof e !== 'object' || e === null) return false;
  const x = e as { status?: unknown };
  return typeof x.status === 'number' && x.status >= 400 && x.status < 500;
}

/**
 * What an unexpected error may put in a log line: its type, code and message, never the driver's extra fields
 * (PostgreSQL's `detail`, `where` and `internalQuery` quote the values of the failed statement).
 */
function safeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { type: typeof err };
  const code = (err as { code?: unknown }).code;
  // Messages too may quote a value (`invalid input syntax for type uuid: "…"`): quoted parts are dropped.
  const unquote = (s: string) => s.replace(/"[^"]*"|'[^']*'/g, '"…"');
  return {
    type: err.name,
    ...(typeof code === 'string' ? { code } : {}),
    message: unquote(err.message.slice(0, 200)),
    stack: err.stack?.split('\n').slice(1, 6).join('\n'),
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
