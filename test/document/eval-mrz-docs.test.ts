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
  it('reads a BMP named .jpg (document-reader scans), counts and reports an entry it cannot decode', async () => {
    const dir = tempDir('idv-eval-bmp-');
    const index = await generateDocumentSet({ n: 1, seed: 5, out: dir, types: ['passport'] });
    const ff = (args: string[]) => execFileSync(FFMPEG_BIN, ['-v', 'error', '-y', ...args]);
    // The generated photo as a 24-bit BMP under a .jpg name, and a GIF (a refused type) under another.
    ff(['-i', join(dir, index[0]!.file), '-c:v', 'bmp', '-f', 'image2', join(dir, 'reader.jpg')]);
    ff(['-f', 'lavfi', '-i', 'color=c=gray:s=64x48', '-frames:v', '1', '-f', 'gif', join(dir, 'scan.jpg')]);
    writeFileSync(
      join(dir, 'index.json'),
      JSON.stringify([
        { file: 'scan.jpg', mrz: index[0]!.mrz },
        { file: 'reader.jpg', mrz: index[0]!.mrz },
        ...index,
      ]),
    );
    const report = join(dir, 'r.jsonl');
    const r = await evalMrz(join(dir, 'index.json'), undefined, undefined, report);
    expect(r).toMatchObject({ n: 3, undecodable: 1, wrong_but_valid: 0 });
    expect(r.exact).toBeCloseTo(2 / 3, 3);
    expect(r.refused_by_stage).toEqual({ undecodable: 1 });
    const lines = readFileSync(report, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ entry: 'scan.jpg', outcome: 'refused', stage: 'undecodable' });
    expect(lines[0].status).toBe('undecodable:unsupported_format');
    expect(lines[1]).toMatchObject({ entry: 'reader.jpg', outcome: 'exact', stage: 'read' });
    expect(lines[2]).toMatchObject({ outcome: 'exact', stage: 'read' });
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
      ? 'reads ../shared/data/mrz-docs: ≥ 80 % exact, never wrong-but-valid, bad check digits all MRZ_CHECK_DIGIT'
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
      // Measured 33-35 / 40 (82.5-87.5 %) of the documents whose printed check digits verify, the two BMP
      // scans decoded, all 8 wrong-check-digit documents MRZ_CHECK_DIGIT (models/mrz/README.md).
      const r = await evalMrz(join(docs, 'index.json'));
      const good = r.check_digits_valid_docs as { n: number; exact: number };
      const bad = r.check_digits_invalid_docs as {
        n: number;
        reported_check_digit: number;
        reported_valid: number;
      };
      expect(good.exact).toBeGreaterThanOrEqual(0.8);
      expect(r.wrong_but_valid).toBe(0);
      expect(bad.reported_valid).toBe(0);
      expect(bad).toMatchObject({ n: 8, reported_check_digit: 8 });
      expect(r.undecodable).toBeUndefined();
    },
    // 48 real photos, up to a few CPU-seconds each on a busy page.
    900_000,
  );
});
