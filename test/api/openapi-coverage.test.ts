// Every route the API process registers is in /openapi.json, with its method: the routers' stacks are walked
// on the running service (main-api), so a new route without a route-table row fails here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Router } from 'express';
import { startService, type RunningService } from '../../service/server.js';
import { testConfig } from '../helpers/env.js';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/** `METHOD /path` of every route below a mount path; nested routers mounted without a path are followed. */
function routesOf(mount: string, router: Router): string[] {
  const out: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const l of stack) {
      if (l.route) {
        for (const m of Object.keys(l.route.methods)) {
          const path = (mount === '/' ? '' : mount) + l.route.path;
          const templated = path.replace(/:(\w+)/g, '{$1}').replace(/\{\*(\w+)\}/g, '{$1}');
          out.push(`${m.toUpperCase()} ${templated.replace(/(.)\/$/, '$1')}`);
        }
      } else if (l.handle.stack) walk(l.handle.stack);
    }
  };
  walk((router as unknown as { stack: Layer[] }).stack);
  return out;
}

let svc: RunningService;
beforeAll(async () => {
  svc = await startService(testConfig());
}, 120_000);
afterAll(async () => svc?.stop());

describe('/openapi.json covers every route of main-api', () => {
  it('documents each registered method and path', async () => {
    const doc = (await (await fetch(`${svc.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    // The two probes createApp registers on the app itself, then every feature router.
    const routes = ['GET /healthz', 'GET /readyz', ...svc.api!.routers.flatMap(([m, r]) => routesOf(m, r))];
    expect(routes.length).toBeGreaterThan(35);
    expect(routes).toContain('GET /api/review/queue');
    const missing = routes.filter((r) => {
      const [method, path] = r.split(' ') as [string, string];
      return !doc.paths[path]?.[method.toLowerCase()];
    });
    expect(missing).toEqual([]);
    // Each documented operation says how it is authenticated (an empty list for public ones).
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops))
        expect((op as { security?: unknown }).security, `${method} ${path}`).toBeDefined();
  });
});
