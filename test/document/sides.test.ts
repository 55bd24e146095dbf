// The right side: a card's front without its back gives MRZ_SIDE_MISSING (resubmit), swapped sides are
// read and flagged, the result says which side the MRZ was read on; the applicant app's pre-check.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createDocumentEngine,
  precheckDocumentPhoto,
  type DocumentEngine,
} from '../../service/document/index.js';
import { decide, REASONS } from '../../service/decision/index.js';
import { generateDocumentSet } from '../../service/fixtures/document-set.js';
import { decodeImage } from '../../service/media/index.js';
import { tempDir } from '../helpers/env.js';

const RULES = { allowedTypes: ['ID_CARD', 'PASSPORT', 'RESIDENCE_PERMIT'], minimumAge: 18 };

let engine: DocumentEngine;
let dir: string;
let cards: Awaited<ReturnType<typeof generateDocumentSet>>;
let passports: Awaited<ReturnType<typeof generateDocumentSet>>;
beforeAll(async () => {
  engine = await createDocumentEngine();
  dir = tempDir('idv-sides-');
  cards = await generateDocumentSet({
    n: 2,
    seed: 31,
    out: join(dir, 'cards'),
    types: ['cni2021', 'permit'],
  });
  passports = await generateDocumentSet({ n: 1, seed: 32, out: join(dir, 'pass'), types: ['passport'] });
});

const load = (sub: string, f: string) => decodeImage(join(dir, sub, f));

describe('document sides', () => {
  it('a card front alone gives MRZ_SIDE_MISSING, which asks for a resubmission', async () => {
    for (const c of cards) {
      const front = await load('cards', c.file.replace('_back', '_front'));
      const a = await engine.read({ images: [front], ...RULES });
      expect(a.status).toBe('unreadable');
      expect(a.findings.map((f) => f.code)).toEqual(['MRZ_SIDE_MISSING']);
      expect(REASONS.MRZ_SIDE_MISSING).toBe('resubmit');
    }
    const d = decide(
      {
        attempt: 1,
        document: { findings: ['MRZ_SIDE_MISSING'] },
        face: {
          similarity: 0.99,
          noFace: false,
          faceTooSmall: false,
          multiplePeople: false,
          staticVideo: false,
          cardNotSeen: false,
        },
        speech: { decision: 'match' },
      },
      { faceAccept: 0.92, faceReject: 0.25, maxAttempts: 3, reviewAll: false },
    );
    expect(d.outcome).toBe('resubmit');
    expect(d.reasons).toContain('MRZ_SIDE_MISSING');
  });

  it('says which side the MRZ was read on, and flags swapped sides', async () => {
    const c = cards[0]!;
    const back = await load('cards', c.file);
    const front = await load('cards', c.file.replace('_back', '_front'));
    const right = await engine.read({ images: [front, back], ...RULES });
    expect(right.status).toBe('read');
    expect(right.side).toBe('back');
    expect(right.sidesSwapped).toBeUndefined();
    const swapped = await engine.read({ images: [back, front], ...RULES });
    expect(swapped.status).toBe('read');
    expect(swapped.lines).toEqual(c.mrz);
    expect(swapped.side).toBe('front');
    expect(swapped.sidesSwapped).toBe(true);
  });

  it('a passport page without a readable MRZ is unreadable, not a missing side', async () => {
    const blank = { width: 640, height: 360, data: Buffer.alloc(640 * 360 * 3, 200) };
    const a = await engine.read({ images: [blank], documentType: 'PASSPORT', ...RULES });
    expect(a.findings.map((f) => f.code)).toEqual(['MRZ_UNREADABLE']);
  });

  it('pre-checks single photos for the applicant app', async () => {
    const c = cards[0]!;
    const back = await load('cards', c.file);
    const front = await load('cards', c.file.replace('_back', '_front'));
    expect(await precheckDocumentPhoto(back, { docType: 'ID_CARD', side: 'back' }, engine)).toEqual({
      mrzFound: true,
      readable: true,
      side: 'back',
      advice: 'OK',
    });
    expect(await precheckDocumentPhoto(front, { docType: 'ID_CARD', side: 'front' }, engine)).toMatchObject({
      mrzFound: false,
      advice: 'PHOTOGRAPH_BACK_TOO',
    });
    expect(await precheckDocumentPhoto(front, { docType: 'ID_CARD', side: 'back' }, engine)).toMatchObject({
      mrzFound: false,
      advice: 'PHOTOGRAPH_BACK',
    });
    expect(await precheckDocumentPhoto(back, { docType: 'ID_CARD', side: 'front' }, engine)).toMatchObject({
      mrzFound: true,
      side: 'back',
      advice: 'SIDES_SWAPPED',
    });
    const page = await load('pass', passports[0]!.file);
    expect(await precheckDocumentPhoto(page, { docType: 'PASSPORT', side: 'front' }, engine)).toMatchObject({
      readable: true,
      advice: 'OK',
    });
  });
});
