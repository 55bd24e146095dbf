// `idv eval mrz` on whole document photos: entries it cannot decode are counted, not fatal; wrong printed
// check digits are never read valid; and, with ../shared present, the figures on real specimen photos.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evalMrz } from '../../service/cli/commands/document.js';
import { generateDocumentSet } from '../../service/fixtures/document-set.js';
import { FFMPEG_BIN } from '../../service/media/ffmpeg-paths.js';
import { sharedData, tempDir } from '../helpers/env.js';

describe('idv eval mrz on document photos', () => {
  it('counts and reports an entry it cannot decode (a BMP named .jpg) instead of stopping', async () => {
    const dir = tempDir('idv-eval-bmp-');
    const index = await generateDocumentSet({ n: 1, seed: 5, out: dir, types: ['passport'] });
    execFileSync(FFMPEG_BIN, [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'color=c=gray:s=64x48',
      '-frames:v',
      '1',
      join(dir, 'x.bmp'),
    ]);
    execFileSync('cp', [join(dir, 'x.bmp'), join(dir, 'scan.jpg')]);
    writeFileSync(
      join(dir, 'index.json'),
      JSON.stringify([{ file: 'scan.jpg', mrz: index[0]!.mrz }, ...index]),
    );
    const report = join(dir, 'r.jsonl');
    const r = await evalMrz(join(dir, 'index.json'), undefined, undefined, report);
    expect(r).toMatchObject({ n: 2, exact: 0.5, undecodable: 1, wrong_but_valid: 0 });
    expect(r.refused_by_stage).toEqual({ undecodable: 1 });
    const lines = readFileSync(report, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ entry: 'scan.jpg', outcome: 'refused', stage: 'undecodable' });
    expect(lines[0].status).toMatch(/^undecodable:/);
    expect(lines[1]).toMatchObject({ outcome: 'exact', stage: 'read' });
  });

  it('never reports valid a generated set printed with wrong check digits', async () => {
    const dir = tempDir('idv-eval-badcd-');
    const index = await generateDocumentSet({ n: 8, seed: 11, out: dir, wrongCheckDigit: true });
    expect(index.every((e) => e.check_digits_valid === false)).toBe(true);
    const r = await evalMrz(join(dir, 'index.json'));
    expect(r).toMatchObject({ n: 8, exact: 0, check_valid: 0, wrong_but_valid: 0 });
    expect(r.check_digits_invalid_docs).toMatchObject({ n: 8, reported_valid: 0 });
    // Clean generated prints: every one is found and reported MRZ_CHECK_DIGIT (to review).
    expect((r.check_digits_invalid_docs as { reported_check_digit: number }).reported_check_digit).toBe(8);
  });

  const docs = sharedData('mrz-docs');
  it(
    docs
      ? 'reads ../shared/data/mrz-docs: ≥ 70 % exact, never wrong-but-valid, bad check digits never valid'
      : 'reads generated photos per type and stage (../shared absent)',
    async () => {
      if (!docs) {
        const dir = tempDir('idv-eval-types-');
        await generateDocumentSet({ n: 4, seed: 12, out: dir });
        const r = await evalMrz(join(dir, 'index.json'));
        expect(r.wrong_but_valid).toBe(0);
        expect(Object.keys(r.by_type as object).sort()).toEqual(['cni1988', 'cni2021', 'passport', 'permit']);
        return;
      }
      // Measured 29 / 40 (72.5 %) of the documents whose printed check digits verify (models/mrz/README.md).
      const r = await evalMrz(join(docs, 'index.json'));
      const good = r.check_digits_valid_docs as { n: number; exact: number };
      const bad = r.check_digits_invalid_docs as {
        n: number;
        reported_check_digit: number;
        reported_valid: number;
      };
      expect(good.exact).toBeGreaterThanOrEqual(0.7);
      expect(r.wrong_but_valid).toBe(0);
      expect(bad.reported_valid).toBe(0);
      expect(bad.reported_check_digit).toBeGreaterThanOrEqual(6);
      expect(r.undecodable).toBe(2);
    },
    // 48 real photos, up to a few CPU-seconds each on a busy page.
    900_000,
  );
});
