/// <reference lib="dom" />
// Issue #24 item 3, end to end: a generated genuine case goes through the real pipeline (real ffmpeg, real speech
// and lip-sync engines) under REVIEW_ALL=true; the speech stage stores the mouth crops at each spoken digit as one
// sealed JPEG sheet (media `mouth_crops`); the review API serves it to a signed-in reviewer with an audit entry;
// Debian Chromium shows one crop group per spoken digit beside the digit and its confidence (French and English,
// screenshots under test-artifacts/console/); the evidence file lists the sheet's sha256; the erasure deletes it.
// One pipeline run serves the pipeline, API and browser checks (the host's CPU is shared).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { startService, type RunningService } from '../../service/server.js';
import { consoleDir } from '../../service/api/review/console.js';
import { SpeechStageResultSchema, type SpeechStageResult } from '../../service/contracts/stage-results.js';
import type { EvidenceFile } from '../../service/evidence/evidence-file.js';
import { evidenceFor } from '../../service/evidence/service.js';
import { testConfig } from '../helpers/env.js';
import { fixtureCase } from '../helpers/fixtures.js';
import { ApiClient } from '../api/client.js';
import { makeReviewer, PASSWORD } from '../review/seed.js';
import { ReviewClient } from '../review/client.js';
import { launchChromium } from './chromium.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'console');
let svc: RunningService;
let browser: Browser;
let api: ApiClient;
let caseId: string;
let reference: string;
let speech: SpeechStageResult;
let media: { storageKey: string; sha256: string; mime: string; sizeBytes: number };

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const sealedPath = (key: string) =>
  join(svc.runtime.config.DATA_DIR, 'media', key.slice(0, 2), `${key}.sealed`);

async function mouthAudits(actorId?: string) {
  const r = await svc.runtime.db.query<{ actor_id: string; details: { kind: string; attempt: number } }>(
    `SELECT actor_id, details FROM audit_events
      WHERE case_id = $1 AND action = 'case.media.viewed' AND details->>'kind' = 'mouth_crops' ORDER BY seq`,
    [caseId],
  );
  return r.rows.filter((x) => !actorId || x.actor_id === actorId);
}

beforeAll(async () => {
  if (!consoleDir()) execFileSync('npm', ['run', 'build:ui'], { stdio: 'ignore' });
  mkdirSync(ARTIFACTS, { recursive: true });
  svc = await startService(testConfig({ REVIEW_ALL: 'true', FACE_WORKERS: '1', PIPELINE_CONCURRENCY: '1' }));
  // Seed 1: a genuine French case whose digits the speech engine matches.
  const fx = await fixtureCase({ seed: 1, formats: ['webm'] });
  api = new ApiClient(svc.url!, svc.runtime.config.API_KEYS[0]!);
  ({ id: caseId, reference } = await api.submitForReview(svc.runtime.db, fx, fx.webm!));
  browser = await launchChromium();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await svc?.stop();
});

describe('mouth crops at each spoken digit (issue #24 item 3)', () => {
  it('are stored by the speech stage, sealed at rest, laid out in the speech result', async () => {
    const st = await svc.runtime.db.query<{ status: string; result: unknown }>(
      `SELECT status, result FROM stage_results WHERE case_id = $1 AND stage = 'speech'`,
      [caseId],
    );
    expect(st.rows[0]!.status).toBe('ok');
    speech = SpeechStageResultSchema.parse(st.rows[0]!.result);
    expect(speech.signals.decision).toBe('match');
    const sheet = speech.mouthCrops!;
    expect(sheet.rows).toBe(speech.segments.length);
    expect(speech.segments.length).toBe(3);
    for (const [i, seg] of speech.segments.entries()) {
      const tiles = sheet.tiles.filter((x) => x.segment === i);
      expect(tiles.length, `digit ${i}`).toBeGreaterThanOrEqual(2);
      expect(tiles.length).toBeLessThanOrEqual(3);
      for (const x of tiles) {
        expect(x.timeSec).toBeGreaterThanOrEqual(seg.startSec - 1e-3);
        expect(x.timeSec).toBeLessThanOrEqual(seg.endSec + 1e-3);
      }
    }
    const rows = await svc.runtime.db.query<{
      storage_key: string;
      sha256: string;
      mime: string;
      size_bytes: string;
    }>(
      `SELECT storage_key, sha256, mime, size_bytes FROM media WHERE case_id = $1 AND kind = 'mouth_crops'`,
      [caseId],
    );
    expect(rows.rows).toHaveLength(1);
    const m = rows.rows[0]!;
    media = { storageKey: m.storage_key, sha256: m.sha256, mime: m.mime, sizeBytes: Number(m.size_bytes) };
    expect(media.mime).toBe('image/jpeg');
    // Sealed at rest: no JPEG signature, not the plaintext's digest, no JPEG marker anywhere in the object.
    const sealed = readFileSync(sealedPath(media.storageKey));
    expect(sealed.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))).toBe(false);
    expect(sealed.includes(Buffer.from('JFIF'))).toBe(false);
    expect(sha256(sealed)).not.toBe(media.sha256);
  });

  it('are served to a reviewer through the review API, each fetch audited', async () => {
    const reviewer = await makeReviewer(svc.runtime.db, 'reviewer', 'mouth-api');
    const c = new ReviewClient(svc.url!);
    await c.login(reviewer.email, PASSWORD);
    const detail = await c.get(`/api/review/cases/${caseId}`);
    expect(detail.body.media.map((x: { kind: string }) => x.kind)).toContain('mouth_crops');
    expect(await mouthAudits(reviewer.id)).toEqual([]);
    const res = await c.get(`/api/review/cases/${caseId}/media/mouth_crops`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const jpeg = res.body as Buffer;
    expect(sha256(jpeg)).toBe(media.sha256);
    expect(jpeg.length).toBe(media.sizeBytes);
    const meta = await sharp(jpeg).metadata();
    const sheet = speech.mouthCrops!;
    expect([meta.format, meta.width, meta.height]).toEqual([
      'jpeg',
      sheet.columns * sheet.tileWidth,
      sheet.rows * sheet.tileHeight,
    ]);
    const audits = await mouthAudits(reviewer.id);
    expect(audits).toHaveLength(1);
    expect(audits[0]!.details).toEqual({ kind: 'mouth_crops', attempt: 1 });
    // Without a session: refused, nothing served.
    const anon = await fetch(`${svc.url}/api/review/cases/${caseId}/media/mouth_crops`);
    expect(anon.status).toBe(401);
  });

  for (const [lang, locale, alt] of [
    ['fr', 'fr-FR', /^Bouche en disant le chiffre (\d) \(à \d+,\d\d s\)$/],
    ['en', 'en-GB', /^Mouth while saying digit (\d) \(at \d+\.\d\d s\)$/],
  ] as const) {
    it(`the console shows one crop group per spoken digit, beside the digit and its confidence (${lang})`, async () => {
      const reviewer = await makeReviewer(svc.runtime.db, 'reviewer', `mouth-${lang}`);
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, locale });
      try {
        await page.goto(`${svc.url}/console/cases/${caseId}`);
        await page.getByLabel(/e-mail/i).fill(reviewer.email);
        await page.getByLabel(/mot de passe|password/i).fill(PASSWORD);
        await page.keyboard.press('Enter');
        await page.getByRole('heading', { name: new RegExp(reference) }).waitFor();
        const panel = page.getByTestId('mouth-crops');
        await panel.waitFor();
        const groups = panel.getByTestId('mouth-digit');
        await groups.nth(speech.segments.length - 1).waitFor();
        expect(await groups.count()).toBe(speech.segments.length);
        // Every crop image has loaded (the sheet decoded in the browser).
        await page.waitForFunction(
          () =>
            Array.from(document.querySelectorAll<HTMLImageElement>('[data-testid=mouth-crops] img')).every(
              (i) => i.complete && i.naturalWidth > 0,
            ),
          undefined,
          { timeout: 30_000 },
        );
        for (const [i, seg] of speech.segments.entries()) {
          const g = groups.nth(i);
          expect(await g.locator('.mouth-digit-value').innerText()).toBe(seg.digit);
          const label = await g.locator('.mouth-digit-label .hint').innerText();
          const score = (seg.score ?? 0).toFixed(2);
          expect(label).toContain(lang === 'fr' ? score.replace('.', ',') : score);
          const alts = await g
            .locator('img')
            .evaluateAll((els) => els.map((e) => e.getAttribute('alt') ?? ''));
          expect(alts.length).toBe(speech.mouthCrops!.tiles.filter((x) => x.segment === i).length);
          expect(alts.length).toBeGreaterThanOrEqual(2);
          for (const a of alts) expect(alt.exec(a)?.[1]).toBe(seg.digit);
        }
        await panel.scrollIntoViewIfNeeded();
        await panel.screenshot({ path: join(ARTIFACTS, `mouth-crops-${lang}.png`) });
        await page.screenshot({ path: join(ARTIFACTS, `case-mouth-crops-${lang}.png`), fullPage: true });
        // Selecting a crop plays the video from that instant.
        await page.getByTestId('selfie-video').evaluate((v: HTMLVideoElement) => {
          v.muted = true;
        });
        await panel.locator('button.mouth-tile').nth(1).click();
        const at = speech.mouthCrops!.tiles.find((x) => x.segment === 0 && x.column === 1)!.timeSec;
        await page.waitForFunction(
          (t) => {
            const v = document.querySelector('video') as HTMLVideoElement;
            return v.currentTime >= t - 0.05;
          },
          at,
          { timeout: 30_000 },
        );
      } finally {
        await page.close();
      }
      // The page's fetch of the sheet is in the audit trail under this reviewer.
      expect((await mouthAudits(reviewer.id)).length).toBeGreaterThanOrEqual(1);
    });
  }

  it('are listed by sha256 in the evidence file, and deleted by the erasure', async () => {
    const reviewer = await makeReviewer(svc.runtime.db, 'reviewer', 'mouth-decide');
    const c = new ReviewClient(svc.url!);
    await c.login(reviewer.email, PASSWORD);
    expect((await c.post(`/api/review/cases/${caseId}/claim`)).status).toBe(200);
    await c.lookAtEverything(caseId);
    const d = await c.post(`/api/review/cases/${caseId}/decision`, { action: 'approve' });
    expect(d.status, JSON.stringify(d.body)).toBe(200);
    expect(d.body.caseStatus).toBe('approved');
    const ev = await evidenceFor(svc.runtime).read(caseId);
    const file = JSON.parse(ev.bytes!.toString()) as EvidenceFile;
    const listed = file.manifest.attempts[0]!.media.find((m) => m.kind === 'mouth_crops');
    expect(listed).toMatchObject({ mime: 'image/jpeg', sha256: media.sha256, sizeBytes: media.sizeBytes });

    expect(existsSync(sealedPath(media.storageKey))).toBe(true);
    const del = await fetch(`${svc.url}/v1/verifications/${caseId}/personal-data`, {
      method: 'DELETE',
      headers: { 'x-api-key': api.apiKey },
    });
    expect(del.status).toBe(200);
    expect(existsSync(sealedPath(media.storageKey))).toBe(false);
    const receipt = await svc.runtime.db.query<{ details: { kinds: string[] } }>(
      `SELECT details FROM audit_events WHERE case_id = $1 AND action = 'retention.purged'`,
      [caseId],
    );
    expect(receipt.rows[0]!.details.kinds).toContain('mouth_crops');
  });
});
