/// <reference lib="dom" />
// Issue #20 items 1 and 6, end to end: an iPhone-style HEVC .mov (made here by ffmpeg with libx265) goes through
// the real pipeline under REVIEW_ALL=true; ingest stores an encrypted H.264 rendition beside the original; the
// console streams it with Range and Debian Chromium shows the picture (videoWidth > 0, currentTime advances);
// the reviewer's approval is observed by idv_decision_latency_seconds on the first scrape after it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startService, type RunningService } from '../../service/server.js';
import { consoleDir } from '../../service/api/review/console.js';
import { parsePromText } from '../../service/ops/prom-text.js';
import { testConfig, tempDir } from '../helpers/env.js';
import { fixtureCase } from '../helpers/fixtures.js';
import { ApiClient } from '../api/client.js';
import { makeReviewer, PASSWORD } from '../review/seed.js';
import { ReviewClient } from '../review/client.js';
import { launchChromium } from './chromium.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'console');
let svc: RunningService;
let browser: Browser;
let caseId: string;
let reference: string;

/** Every file under `dir` (the media store's sealed objects). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

beforeAll(async () => {
  if (!consoleDir()) execFileSync('npm', ['run', 'build:ui'], { stdio: 'ignore' });
  mkdirSync(ARTIFACTS, { recursive: true });
  svc = await startService(testConfig({ REVIEW_ALL: 'true', FACE_WORKERS: '1', PIPELINE_CONCURRENCY: '1' }));
  const fx = await fixtureCase({ seed: 3, formats: ['mp4'] });
  // What an iPhone records: HEVC video tagged hvc1 in a QuickTime .mov, AAC sound.
  const mov = join(tempDir('idv-hevc-'), 'IMG_0001.MOV');
  execFileSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y', '-i', fx.mp4!],
    ...['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-tag:v', 'hvc1'],
    ...['-c:a', 'aac', '-f', 'mov', mov],
  ]);
  const codec = execFileSync('ffprobe', [
    ...['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', mov],
  ])
    .toString()
    .trim();
  expect(codec).toBe('hevc');
  const api = new ApiClient(svc.url!, svc.runtime.config.API_KEYS[0]!);
  ({ id: caseId, reference } = await api.submitForReview(svc.runtime.db, fx, mov));
  browser = await launchChromium();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await svc?.stop();
});

describe('reviewer rendition of an HEVC .mov (issue #20 item 1)', () => {
  it('is made at ingest, encrypted at rest, the original kept', async () => {
    const media = await svc.runtime.db.query<{ kind: string; mime: string; sha256: string }>(
      `SELECT kind, mime, sha256 FROM media WHERE case_id = $1 AND kind IN ('video', 'video_review') ORDER BY kind`,
      [caseId],
    );
    expect(media.rows.map((m) => [m.kind, m.mime])).toEqual([
      ['video', expect.stringMatching(/quicktime|mp4/)],
      ['video_review', 'video/mp4'],
    ]);
    expect(media.rows[0]!.sha256).not.toBe(media.rows[1]!.sha256);
    // No plaintext video anywhere in the data directory: every stored object is sealed (no MP4/MOV box header).
    for (const f of filesUnder(svc.runtime.config.DATA_DIR)) {
      const head = readFileSync(f).subarray(0, 64).toString('latin1');
      expect(head.includes('ftyp'), f).toBe(false);
    }
    // The console API serves the rendition: H.264 in MP4, with Range.
    const reviewer = await makeReviewer(svc.runtime.db, 'reviewer', 'rendition-api');
    const c = new ReviewClient(svc.url!);
    await c.login(reviewer.email, PASSWORD);
    const part = await c.get(`/api/review/cases/${caseId}/media/video`, { range: 'bytes=0-99' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-type')).toBe('video/mp4');
    const full = await c.get(`/api/review/cases/${caseId}/media/video`);
    const file = join(tempDir('idv-rendition-'), 'r.mp4');
    writeFileSync(file, full.body as Buffer);
    const probe = execFileSync('ffprobe', [
      ...['-v', 'error', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', file],
    ])
      .toString()
      .trim()
      .split('\n')
      .sort();
    expect(probe).toEqual(['aac', 'h264']);
  });

  it('plays in Chromium with a picture, and the approval is observed by the decision-latency metric', async () => {
    const reviewer = await makeReviewer(svc.runtime.db, 'reviewer', 'rendition');
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, locale: 'fr-FR' });
    await page.goto(`${svc.url}/console/cases/${caseId}`);
    await page.getByLabel(/e-mail/i).fill(reviewer.email);
    await page.getByLabel(/mot de passe|password/i).fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: new RegExp(reference) }).waitFor();
    await page.getByRole('button', { name: /prendre ce dossier/i }).click();
    await page.getByText(/vous traitez ce dossier/i).waitFor();
    await page.getByText(/copie H\.264 faite à la réception/).waitFor();

    const video = page.getByTestId('selfie-video');
    await video.evaluate((v: HTMLVideoElement) => {
      v.muted = true;
      return v.play();
    });
    await page.waitForFunction(
      () => {
        const v = document.querySelector('video') as HTMLVideoElement;
        return v.videoWidth > 0 && v.currentTime > 1.2;
      },
      undefined,
      { timeout: 30_000 },
    );
    const shown = await video.evaluate((v: HTMLVideoElement) => ({
      w: v.videoWidth,
      h: v.videoHeight,
      t: v.currentTime,
      error: v.error?.code ?? null,
    }));
    expect(shown.w).toBeGreaterThan(0);
    expect(shown.h).toBeGreaterThan(0);
    expect(shown.error).toBeNull();
    await video.evaluate((v: HTMLVideoElement) => v.pause());
    await page.locator('[data-testid=checklist] li[data-item=video][data-done=true]').waitFor();
    for (const side of ['recto', 'verso']) {
      await page.getByRole('button', { name: new RegExp(`agrandir ${side}`, 'i') }).click();
      await page.keyboard.press('Escape');
    }
    await page.locator('[data-testid=checklist] li[data-item=back][data-done=true]').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'case-hevc-fr.png'), fullPage: true });
    await page.getByTestId('decision-submit').click();
    await page.getByText(/décision enregistrée : approuvé/i).waitFor();
    await page.close();

    const watched = await svc.runtime.db.query<{ details: { secondsWatched: number } }>(
      `SELECT details FROM audit_events WHERE case_id = $1 AND action = 'case.media.viewed' AND details->>'kind' = 'video'`,
      [caseId],
    );
    expect(watched.rows.length).toBeGreaterThan(0);
    expect(watched.rows.at(-1)!.details.secondsWatched).toBeGreaterThan(1);

    // The first scrape of this process comes after the decision: it must still be counted (REVIEW_ALL=true: the
    // automatic 'review' hand-off is not final, the reviewer's approval is).
    const res = await fetch(`${svc.url}/metrics`, {
      headers: { authorization: `Bearer ${svc.runtime.config.METRICS_TOKEN}` },
    });
    expect(res.status).toBe(200);
    const samples = parsePromText(await res.text());
    const v = (name: string) => samples.find((x) => x.name === name && x.labels.source === 'reviewer')?.value;
    expect(v('idv_decision_latency_seconds_count')).toBe(1);
    expect(
      samples.filter((x) => x.name === 'idv_decision_latency_seconds_count').map((x) => x.labels.source),
    ).toEqual(['reviewer']);
    const d = await svc.runtime.db.query<{ s: number }>(
      `SELECT EXTRACT(EPOCH FROM (d.created_at - c.submitted_at))::float AS s
         FROM decisions d JOIN cases c ON c.id = d.case_id WHERE d.case_id = $1 AND d.source = 'reviewer'`,
      [caseId],
    );
    expect(v('idv_decision_latency_seconds_sum')).toBeCloseTo(Number(d.rows[0]!.s), 3);
  });
});
