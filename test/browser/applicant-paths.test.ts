/// <reference lib="dom" />
// The applicant app's other paths in Debian Chromium: camera permission refused (with how to re-enable it),
// a browser without WebM recording (MP4 chosen), a network drop in the middle of the video upload (resumed
// automatically from the bytes the server kept, not sent again), an expired challenge at submission (new digits), and a resubmission request (advice,
// then a new attempt). Screenshots and an axe-core scan of each screen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { startService, type RunningService } from '../../service/server.js';
import { testConfig, tempDir } from '../helpers/env.js';
import { fixtureCase, type FixtureCase } from '../helpers/fixtures.js';
import { applicantAppDir } from '../../service/api/applicant/app-router.js';
import { ApiClient, identityOf } from '../api/client.js';
import { listMedia } from '../../service/cases/index.js';
import { writeFakeMedia, type FakeMedia } from './applicant-media.js';
import { cuttingProxy } from './cutting-proxy.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'applicant');
const ANDROID_UA =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36';
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let svc: RunningService;
let browser: Browser;
let api: ApiClient;
let fx: FixtureCase;
let media: FakeMedia;

const launchArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

beforeAll(async () => {
  if (!applicantAppDir()) execFileSync('npm', ['run', 'build:ui'], { stdio: 'ignore' });
  mkdirSync(ARTIFACTS, { recursive: true });
  svc = await startService(testConfig());
  api = new ApiClient(svc.url!, svc.runtime.config.API_KEYS[0]!);
  fx = await fixtureCase({ seed: 77, doc: 'passport', lang: 'en', formats: ['mp4'] });
  const dir = tempDir('idv-fake-media-');
  media = { video: join(dir, 'camera.y4m'), audio: join(dir, 'microphone.wav') };
  // The applicant's face, silent: the checks find no speech and ask for a new recording.
  await writeFakeMedia(fx, media, 5, { silent: true });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      ...launchArgs,
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${media.video}`,
      `--use-file-for-fake-audio-capture=${media.audio}`,
    ],
  });
}, 300_000);

const proxies: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  for (const p of proxies) await p.close();
  await browser?.close();
  await svc?.stop();
});

async function phone(b: Browser, init?: () => void): Promise<Page> {
  const ctx = await b.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 1,
    userAgent: ANDROID_UA,
    locale: 'en-GB',
  });
  ctx.setDefaultTimeout(90_000);
  if (init) await ctx.addInitScript(init);
  return ctx.newPage();
}

async function shotAndScan(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  // The same screen at the desktop viewport, then back to the phone.
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.screenshot({
    path: join(ARTIFACTS, `${name.replace('phone-', 'desktop-')}.png`),
    fullPage: true,
  });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.evaluate(AXE);
  const bad = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(o: unknown): Promise<{ violations: Array<{ id: string; impact: string }> }> };
      }
    ).axe;
    const r = await axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
  });
  expect(bad, name).toEqual([]);
}

async function toVideoStep(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('button', { name: 'Start' }).click();
  await page.getByLabel('Passport').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByTestId('file-front').setInputFiles(fx.front);
  await page.getByRole('button', { name: /use (this photo|it anyway)/i }).click();
  await page.getByRole('heading', { name: /record your video/i }).waitFor();
}

describe('applicant app: other paths', () => {
  it('camera permission refused: explains how to allow it again in this browser', async () => {
    const denying = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [...launchArgs, '--use-fake-device-for-media-stream', '--deny-permission-prompts'],
    });
    try {
      const c = await api.create(identityOf(fx), 'en');
      const page = await phone(denying);
      await toVideoStep(page, c.applicantUrl.replace(svc.runtime.config.PUBLIC_URL, svc.url!));
      await page
        .getByRole('alert')
        .getByRole('heading', { name: /camera access is blocked/i })
        .waitFor();
      await expect(
        page.getByText(/in chrome: tap the icon to the left of the address/i).count(),
      ).resolves.toBe(1);
      await shotAndScan(page, 'phone-error-permission-denied');
    } finally {
      await denying.close();
    }
  }, 240_000);

  it('an English screen for a French verification says which language to speak the digits in', async () => {
    const c = await api.create(identityOf(fx), 'fr');
    const page = await phone(browser);
    await toVideoStep(page, c.applicantUrl.replace(svc.runtime.config.PUBLIC_URL, svc.url!));
    const tip = page.locator('.tips');
    await tip.getByText('Say the digits in French.').waitFor();
    await shotAndScan(page, 'phone-video-speak-french');
    // In French on screen, the hint would only repeat the obvious: it goes.
    await page.getByRole('button', { name: /version française/i }).click();
    await page.getByRole('heading', { name: /enregistrez votre vidéo/i }).waitFor();
    await expect(tip.textContent()).resolves.toMatch(/dites chacun à voix haute\.$/);
    await expect(page.getByText(/en français|in French/).count()).resolves.toBe(0);
  }, 240_000);

  it('records MP4 without WebM, resumes the upload after a network drop, gets new digits after expiry, then a resubmission', async () => {
    const c = await api.create(identityOf(fx), 'en');
    // The phone reaches the service through a link that drops once, in the middle of the video's bytes.
    const proxy = await cuttingProxy(svc.url!, 96 * 1024);
    proxies.push(proxy);
    // A browser whose MediaRecorder cannot write WebM (as Safari before 18.4).
    const page = await phone(browser, () => {
      const orig = MediaRecorder.isTypeSupported.bind(MediaRecorder);
      MediaRecorder.isTypeSupported = (t: string) => !t.startsWith('video/webm') && orig(t);
    });
    await toVideoStep(page, c.applicantUrl.replace(svc.runtime.config.PUBLIC_URL, proxy.url));
    const first = page.waitForResponse((r) => r.url().endsWith('/v1/applicant/challenge'));
    await page.getByRole('button', { name: 'Record' }).click();
    const ch1 = (await (await first).json()) as { digits: string; expiresAt: string };
    await page.locator('video.playback').waitFor();

    // The challenge lapses before submission (as after a long pause): the server issues new digits on submit.
    await svc.runtime.db.query(
      `UPDATE challenges SET expires_at = now() - interval '1 second' WHERE case_id = $1`,
      [c.id],
    );
    // What the server answers and receives from here on: the offsets it reports (HEAD) and the bytes of each
    // PATCH it accepts.
    const heads: number[] = [];
    const patches: Array<{ offset: number; bytes: number; status: number }> = [];
    let videoSize = 0;
    page.on('response', (r) => {
      const req = r.request();
      if (!/\/v1\/applicant\/uploads\/[0-9a-f]{32}$/.test(r.url())) return;
      // A HEAD can be refused while the server still winds down the cut PATCH (its lock): the client asks
      // again, and only an answered one says where the upload resumes.
      if (req.method() === 'HEAD' && r.ok()) heads.push(Number(r.headers()['upload-offset']));
      if (req.method() === 'PATCH')
        patches.push({
          offset: Number(req.headers()['upload-offset']),
          bytes: req.postDataBuffer()?.length ?? 0,
          status: r.status(),
        });
    });
    page.on('request', (req) => {
      if (req.method() === 'POST' && req.url().endsWith('/v1/applicant/uploads'))
        videoSize = Number(req.headers()['upload-length']);
    });
    // The resume (its HEAD) waits until the "dropped" notice has been seen and photographed.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/v1/applicant/uploads/*', async (route) => {
      if (route.request().method() === 'HEAD') await held;
      await route.continue();
    });
    proxy.arm();
    const uploaded = page.waitForResponse(
      (r) =>
        r.request().method() === 'PATCH' &&
        /\/v1\/applicant\/uploads\/[0-9a-f]{32}$/.test(r.url()) &&
        r.status() === 200,
    );
    await page.getByRole('button', { name: /send this video/i }).click();
    await page.getByText(/the connection dropped; trying again/i).waitFor();
    expect(proxy.cut()).toBe(true);
    await shotAndScan(page, 'phone-upload-retrying');
    release();
    const up = await uploaded;
    expect(((await up.json()) as { mime: string }).mime).toBe('video/mp4');
    await page.unroute('**/v1/applicant/uploads/*');
    // Resumed, not restarted: the server held bytes from before the drop, and received only the rest after it.
    expect(videoSize).toBeGreaterThan(96 * 1024);
    expect(heads[0]).toBeGreaterThan(0);
    const after = patches.filter((p) => p.status < 300 && p.offset >= heads[0]!);
    expect(after[0]!.offset).toBe(heads[0]);
    const sentAfterDrop = after.reduce((n, p) => n + p.bytes, 0);
    expect(sentAfterDrop).toBe(videoSize - heads[0]!);
    expect(sentAfterDrop).toBeLessThan(videoSize);
    const stored = (await listMedia(svc.runtime.db, c.id, 1)).find((m) => m.kind === 'video')!;
    expect(stored.sizeBytes).toBe(videoSize);
    // Back on the video screen with the expiry explained; recording again shows new digits.
    await page.getByText(/the digits have expired/i).waitFor();
    await shotAndScan(page, 'phone-video-challenge-expired');
    const second = page.waitForResponse((r) => r.url().endsWith('/v1/applicant/challenge'));
    await page.getByRole('button', { name: 'Record' }).click();
    const ch2 = (await (await second).json()) as { digits: string; expiresAt: string; issued: boolean };
    expect(ch2.expiresAt).not.toBe(ch1.expiresAt);
    expect(new Date(ch2.expiresAt).getTime()).toBeGreaterThan(Date.now());
    await page.locator('video.playback').waitFor();
    await page.getByRole('button', { name: /send this video/i }).click();
    await page.getByRole('heading', { name: /we are checking your identity/i }).waitFor();

    // Silent recording: no speech → the service asks for a new recording, with advice.
    await page.getByRole('heading', { name: /please try again/i }).waitFor({ timeout: 240_000 });
    await page.getByText(/we could not hear you/i).waitFor();
    await shotAndScan(page, 'phone-status-resubmission');
    const s = await api.status(c.token);
    expect(s).toMatchObject({ status: 'resubmission_requested', attempt: 2 });
    await page.getByRole('button', { name: 'Start again' }).click();
    await page.getByRole('heading', { name: /which document/i }).waitFor();
  }, 600_000);
});
