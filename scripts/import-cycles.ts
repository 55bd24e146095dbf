// Import circles among the service's modules (type-only imports included): prints each strongly connected
// group of files and exits 1 when there is any. `npm run check:cycles`; test/foundation/import-cycles.test.ts.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return files(p);
    return /\.tsx?$/.test(n) && !n.endsWith('.d.ts') ? [p] : [];
  });
}

/** The import graph of the .ts files under `root` (relative imports only). */
export function importGraph(root: string): Map<string, string[]> {
  const all = files(root);
  const known = new Set(all);
  const graph = new Map<string, string[]>();
  for (const f of all) {
    const src = readFileSync(f, 'utf8');
    const deps: string[] = [];
    for (const m of src.matchAll(IMPORT)) {
      const spec = (m[1] ?? m[2])!;
      const base = resolve(dirname(f), spec).replace(/\.js$/, '');
      const target = [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((c) => known.has(c));
      if (target) deps.push(target);
    }
    graph.set(f, deps);
  }
  return graph;
}

/** Strongly connected groups of more than one file, or a file importing itself (Tarjan). */
export function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(group.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const roots = process.argv.slice(2).length ? process.argv.slice(2) : ['service'];
  let found = 0;
  for (const root of roots) {
    for (const group of cycles(importGraph(resolve(root)))) {
      found++;
      console.log(`circle: ${group.map((f) => relative(process.cwd(), f)).join(' -> ')}`);
    }
  }
  console.log(JSON.stringify({ circles: found }));
  process.exit(found ? 1 : 0);
}
