// The built applicant app (dist/applicant-ui) at /v: /v/<token> and its sub-pages are the single-page app,
// /v/assets/* its hashed bundle. The page carries the link token in its path: never cached, never sent as
// a referrer, never indexed.
import express, { type Router } from 'express';
import { HttpError } from '../errors.js';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function applicantAppDir(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  return [
    resolve(here, '../../../dist/applicant-ui'),
    resolve(here, '../../applicant-ui'),
    resolve(process.cwd(), 'dist/applicant-ui'),
  ].find((d) => existsSync(join(d, 'index.html')));
}

export function createApplicantAppRouter(dir = applicantAppDir()): Router {
  const r = express.Router();
  if (!dir) {
    r.use((_req, _res, next) => {
      next(new HttpError(503, 'app_not_built', 'The applicant app is not built: run npm run build:ui'));
    });
    return r;
  }
  r.use(
    '/assets',
    express.static(join(dir, 'assets'), { immutable: true, maxAge: '1y', fallthrough: false }),
  );
  r.get('/{*rest}', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Robots-Tag', 'noindex');
    // The camera and microphone are used by this page only.
    res.setHeader('Permissions-Policy', 'camera=(self), microphone=(self)');
    res.sendFile(join(dir, 'index.html'));
  });
  return r;
}
