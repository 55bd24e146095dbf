// The built reviewer console under /console (SPA fallback), or a 503 explaining how to build it.
import express, { type Router } from 'express';
import { HttpError } from '../errors.js';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built console: dist/reviewer-ui from sources or from dist/. */
export function consoleDir(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  return [
    resolve(here, '../../../dist/reviewer-ui'),
    resolve(here, '../../reviewer-ui'),
    resolve(process.cwd(), 'dist/reviewer-ui'),
  ].find((d) => existsSync(join(d, 'index.html')));
}

export function createConsoleRouter(dir = consoleDir()): Router {
  const r = express.Router();
  if (!dir) {
    r.use((_req, _res, next) => {
      next(
        new HttpError(503, 'console_not_built', 'The reviewer console is not built: run npm run build:ui'),
      );
    });
    return r;
  }
  r.use(
    '/assets',
    express.static(join(dir, 'assets'), { immutable: true, maxAge: '1y', fallthrough: false }),
  );
  r.use(express.static(dir, { index: false }));
  // SPA fallback: every other GET under /console is the app.
  r.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(join(dir, 'index.html'));
  });
  return r;
}
