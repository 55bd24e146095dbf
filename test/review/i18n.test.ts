// The console's locale files: same keys in French and English, every key used in the code exists, every reason
// code has a label.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REASON_CODES } from '../../service/decision/reason-codes.js';

const dir = join(process.cwd(), 'reviewer-ui/src');
const fr = JSON.parse(readFileSync(join(dir, 'i18n/fr.json'), 'utf8')) as Record<string, string>;
const en = JSON.parse(readFileSync(join(dir, 'i18n/en.json'), 'utf8')) as Record<string, string>;

function sources(d: string): string[] {
  return readdirSync(d).flatMap((f) => {
    const p = join(d, f);
    return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(f) ? [p] : [];
  });
}

describe('console locales', () => {
  it('have the same keys and placeholders', () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
    for (const k of Object.keys(fr)) {
      const ph = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
      expect(ph(fr[k]!), k).toEqual(ph(en[k]!));
    }
  });
  it('cover every key used in the code and every reason code', () => {
    const used = new Set<string>();
    for (const f of sources(dir)) {
      for (const m of readFileSync(f, 'utf8').matchAll(/\bt\(\s*'([\w.]+)'/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(50);
    for (const k of used) expect(fr[k], k).toBeDefined();
    for (const code of REASON_CODES) {
      expect(fr[`reason.${code}`], code).toBeDefined();
      expect(en[`reason.${code}`], code).toBeDefined();
    }
  });
});
