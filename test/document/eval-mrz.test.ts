// `idv eval mrz`: the figures the issue asks for, and the per-entry report.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evalMrz } from '../../service/cli/commands/document.js';
import { generateDocumentSet } from '../../service/fixtures/document-set.js';
import { tempDir } from '../helpers/env.js';

describe('idv eval mrz', () => {
  it('scores generated photos and writes one report line per entry', async () => {
    const dir = tempDir('idv-eval-mrz-');
    await generateDocumentSet({ n: 3, seed: 5, out: dir, types: ['passport', 'cni2021', 'cni1988'] });
    const report = join(dir, 'report.jsonl');
    const r = await evalMrz(join(dir, 'index.json'), undefined, undefined, report);
    expect(r).toMatchObject({ n: 3, exact: 1, check_valid: 1, wrong_but_valid: 0 });
    expect(Object.keys(r.fields as object).sort()).toEqual(
      ['birthDate', 'documentNumber', 'expirationDate', 'firstName', 'lastName'].sort(),
    );
    expect(r.ms_per_image_p50).toBeGreaterThan(0);
    const lines = readFileSync(report, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    for (const l of lines) {
      expect(l.outcome).toBe('exact');
      expect(l.status).toBe('ok');
      expect(l.read).toEqual(l.truth);
    }
  });
});
