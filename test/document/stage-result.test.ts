// The pipeline's document stage (runDocument → the engine → the stored result): it tells the engine which side
// each upload is, so a card front alone is MRZ_SIDE_MISSING and the MRZ's photo is named; it stores where the
// MRZ was read and each check-digit repair with the cell it was printed in, for the reviewer's MRZ crop.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateDocumentSet, type MrzIndexEntry } from '../../service/fixtures/document-set.js';
import { runDocument } from '../../service/pipeline/stages.js';
import { DocumentStageResultSchema } from '../../service/contracts/stage-results.js';
import { tempDir } from '../helpers/env.js';

const SETTINGS = { allowedTypes: ['ID_CARD', 'PASSPORT', 'RESIDENCE_PERMIT'], minimumAge: 18 };
const TODAY = new Date('2026-06-01T00:00:00Z');

let dir: string;
let cards: MrzIndexEntry[];
let wrong: MrzIndexEntry[];
beforeAll(async () => {
  dir = tempDir('idv-docstage-');
  cards = await generateDocumentSet({ n: 1, seed: 41, out: join(dir, 'cards'), types: ['cni2021'] });
  // A passport whose printed document-number check digit is wrong (the fixture generator's option).
  wrong = await generateDocumentSet({
    n: 1,
    seed: 42,
    out: join(dir, 'wrong'),
    types: ['passport'],
    wrongCheckDigit: true,
  });
});

describe('document stage result', () => {
  it('passes the uploads’ sides: a card front alone asks for the back; front and back name the MRZ’s photo', async () => {
    const front = join(dir, 'cards', cards[0]!.file.replace('_back', '_front'));
    const back = join(dir, 'cards', cards[0]!.file);
    const alone = await runDocument({ front }, TODAY, SETTINGS);
    expect(DocumentStageResultSchema.parse(alone)).toEqual(alone);
    expect(alone.status).toBe('unreadable');
    expect(alone.signals.findings).toEqual(['MRZ_SIDE_MISSING']);
    expect(alone.mrz?.stage).toBe('not_located');

    const both = await runDocument({ front, back }, TODAY, SETTINGS);
    expect(both.status).toBe('read');
    expect(both.mrz).toMatchObject({ stage: 'read', photo: 'back', repairs: [] });
    expect(both.mrz?.lines).toHaveLength(3);
    // Sides swapped by the applicant: read all the same, on the photo uploaded as the front, and flagged.
    const swapped = await runDocument({ front: back, back: front }, TODAY, SETTINGS);
    expect(swapped.status).toBe('read');
    expect(swapped.mrz).toMatchObject({ photo: 'front', sidesSwapped: true });
  });

  it('a wrong printed check digit: MRZ_CHECK_DIGIT, and the refused repair placed on its printed character', async () => {
    const e = wrong[0]!;
    const r = await runDocument({ front: join(dir, 'wrong', e.file) }, TODAY, SETTINGS);
    expect(DocumentStageResultSchema.parse(r)).toEqual(r);
    expect(r.status).toBe('unreadable');
    expect(r.signals.findings).toEqual(['MRZ_CHECK_DIGIT']);
    const mrz = r.mrz!;
    expect(mrz.stage).toBe('check_digit');
    expect(mrz.photo).toBe('front');
    expect(mrz.lines).toHaveLength(2);
    expect(mrz.repairs.length).toBeGreaterThan(0);
    const line2 = mrz.lines[1]!;
    for (const rp of mrz.repairs) {
      // The printed character is the label's; the chosen one is what the check digit would need.
      expect(rp.printed).toBe(e.mrz[rp.line]![rp.col]);
      expect(rp.chosen).not.toBe(rp.printed);
      expect(rp.pPrinted).toBeGreaterThan(rp.pChosen);
      // Its cell: on its line, at its column's share of the line (TD3: 44 characters).
      const at = rp.at!;
      const l = mrz.lines[rp.line]!;
      const frac = (rp.col + 0.5) / 44;
      const ex = l.x0 + frac * (l.x1 - l.x0);
      const ey = l.y0 + frac * (l.y1 - l.y0);
      expect(Math.abs(at.cx - ex)).toBeLessThan(0.6 * at.w);
      expect(Math.abs(at.cy - ey)).toBeLessThan(0.5 * line2.height);
      expect(at.w).toBeGreaterThan(0.6 * (Math.hypot(l.x1 - l.x0, l.y1 - l.y0) / 44));
      expect(at.w).toBeLessThan(1.4 * (Math.hypot(l.x1 - l.x0, l.y1 - l.y0) / 44));
    }
    // The finding carries the same placed repairs for the reviewer.
    expect(r.findings[0]).toMatchObject({ code: 'MRZ_CHECK_DIGIT', repairs: mrz.repairs });
  });
});
