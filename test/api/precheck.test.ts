// The photo pre-check against a running service: the document engine reads the one uploaded photo and
// says whether the MRZ is readable on the side that carries it, or whether this is the other side; the face
// engine says whether the portrait is on the side that carries it (generated documents with and without it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../service/server.js';
import { testConfig } from '../helpers/env.js';
import { fixtureCase, type FixtureCase } from '../helpers/fixtures.js';
import { ApiClient, identityOf } from './client.js';
import { precheckVerdict } from '../../service/api/applicant/precheck.js';
import { getCase } from '../../service/cases/index.js';

let svc: RunningService;
let api: ApiClient;
let fx: FixtureCase;
let passport: FixtureCase;

beforeAll(async () => {
  svc = await startService(testConfig());
  api = new ApiClient(svc.url!, svc.runtime.config.API_KEYS[0]!);
  fx = await fixtureCase({ seed: 31, doc: 'cni2021', formats: [] });
  passport = await fixtureCase({ seed: 32, doc: 'passport', formats: [] });
}, 180_000);

afterAll(async () => {
  await svc?.stop();
});

const precheck = async (token: string, side: string, doc: string) => {
  const r = await fetch(`${svc.url}/v1/applicant/media/${side}/precheck`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ doc }),
  });
  return {
    status: r.status,
    body: (await r.json()) as { verdict: string; mrzRead: boolean; portraitFound: boolean | null },
  };
};

describe('photo pre-check', () => {
  it('verdicts: MRZ side read or not, other side recognised', () => {
    expect(precheckVerdict(true, true)).toBe('ok');
    expect(precheckVerdict(true, false)).toBe('mrz_unreadable');
    expect(precheckVerdict(false, true)).toBe('wrong_side');
    expect(precheckVerdict(false, false)).toBe('no_mrz_expected');
    // The portrait, where it is expected: missing → advice, unless the side or the MRZ is the problem.
    expect(precheckVerdict(true, true, true)).toBe('ok');
    expect(precheckVerdict(true, true, false)).toBe('no_portrait');
    expect(precheckVerdict(false, false, true)).toBe('no_mrz_expected');
    expect(precheckVerdict(false, false, false)).toBe('no_portrait');
    expect(precheckVerdict(false, true, false)).toBe('wrong_side');
    expect(precheckVerdict(true, false, false)).toBe('mrz_unreadable');
  });

  it('reads the back of a 2021 card, and recognises it uploaded as the front', async () => {
    const c = await api.create(identityOf(fx), 'fr');
    expect((await precheck(c.token, 'back', 'cni2021')).status).toBe(404);
    expect((await getCase(svc.runtime.db, c.id))?.declaredDocumentType).toBeNull();
    expect((await api.upload(c.token, 'back', fx.back!)).status).toBe(201);
    expect(await precheck(c.token, 'back', 'cni2021')).toEqual({
      status: 200,
      body: expect.objectContaining({ verdict: 'ok', mrzRead: true }),
    });
    // The document chosen in the app is stored for the pipeline's document stage.
    expect((await getCase(svc.runtime.db, c.id))?.declaredDocumentType).toBe('ID_CARD');
    // The MRZ side photographed when the front was asked for.
    expect((await precheck(c.token, 'back', 'cni2021')).body.portraitFound).toBeNull();
    expect((await api.upload(c.token, 'front', fx.back!)).status).toBe(201);
    expect((await precheck(c.token, 'front', 'cni2021')).body).toMatchObject({
      verdict: 'wrong_side',
      portraitFound: false,
    });
    expect((await api.upload(c.token, 'front', fx.front)).status).toBe(201);
    expect((await precheck(c.token, 'front', 'cni2021')).body).toMatchObject({
      verdict: 'no_mrz_expected',
      portraitFound: true,
    });
    expect((await precheck(c.token, 'front', 'nope')).status).toBe(400);
  }, 120_000);

  it('finds the portrait on the passport data page, and says so when the photo has none', async () => {
    // The business service may say which document to expect; the applicant's choice in the app replaces it.
    const c = await api.create(identityOf(passport), 'en', { documentType: 'RESIDENCE_PERMIT' });
    expect((await getCase(svc.runtime.db, c.id))?.declaredDocumentType).toBe('RESIDENCE_PERMIT');
    await expect(api.create(identityOf(passport), 'en', { documentType: 'DRIVING_LICENCE' })).rejects.toThrow(
      /create: 400/,
    );
    expect((await api.upload(c.token, 'front', passport.front)).status).toBe(201);
    expect(await precheck(c.token, 'front', 'passport')).toEqual({
      status: 200,
      body: expect.objectContaining({ verdict: 'ok', mrzRead: true, portraitFound: true }),
    });
    expect((await getCase(svc.runtime.db, c.id))?.declaredDocumentType).toBe('PASSPORT');
    // A photo with an MRZ but no portrait (the back of an identity card) sent as the data page.
    expect((await api.upload(c.token, 'front', fx.back!)).status).toBe(201);
    expect((await precheck(c.token, 'front', 'passport')).body).toMatchObject({
      verdict: 'no_portrait',
      mrzRead: true,
      portraitFound: false,
    });
  }, 180_000);
});
