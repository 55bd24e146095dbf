/// <reference lib="dom" />
// The applicant's whole journey in Debian Chromium (playwright-core) with a fake camera and microphone fed
// by the fixture generator: link → welcome → document → photos (file input) → video (challenge asked at
// "Record"; the selfie video is rendered for the digits the app obtained) → upload → decision → activation
// e-letter on a real loopback SMTP server → code typed in the app → activated. Screenshots of every screen
// at 390×844 and on a desktop viewport go to test-artifacts/applicant/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page, type Response } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { startService, type RunningService } from '../../service/server.js';
import { testConfig, tempDir } from '../helpers/env.js';
import { fixtureCase, type FixtureCase } from '../helpers/fixtures.js';
import { applicantAppDir } from '../../service/api/applicant/app-router.js';
import { consoleDir } from '../../service/api/review/console.js';
import { ApiClient, identityOf } from '../api/client.js';
import { startSmtp, type LoopbackSmtp } from '../activation/servers.js';
import { writeFakeMedia, type FakeMedia } from './applicant-media.js';
import { makeReviewer, PASSWORD } from '../review/seed.js';
import { completeChecklist } from './console-checklist.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'applicant');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 860 };
const ANDROID_UA =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36';
const SEED = 4242;
/** The last PATCH of a resumable (tus) upload: the file is complete and attached to its slot. */
const uploadDone = (r: Response) =>
  r.request().method() === 'PATCH' &&
  /\/v1\/applicant\/uploads\/[0-9a-f]{32}$/.test(r.url()) &&
  r.status() === 200;

let svc: RunningService;
let smtp: LoopbackSmtp;
let browser: Browser;
let api: ApiClient;
let media: FakeMedia;
let identityFx: FixtureCase;

async function waitFor<T>(
  f: () => T | undefined | Promise<T | undefined>,
  what: string,
  ms = 60_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  if (!applicantAppDir() || !consoleDir()) execFileSync('npm', ['run', 'build:ui'], { stdio: 'ignore' });
  mkdirSync(ARTIFACTS, { recursive: true });
  smtp = await startSmtp();
  svc = await startService(
    testConfig({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), NOTIFY_BACKOFF_MS: '200' }),
  );
  api = new ApiClient(svc.url!, svc.runtime.config.API_KEYS[0]!);
  // The documents and the declared identity (the digits of this render are not the challenge's).
  identityFx = await fixtureCase({ seed: SEED, doc: 'cni2021', lang: 'fr', formats: ['mp4'] });
  const dir = tempDir('idv-fake-media-');
  media = { video: join(dir, 'camera.y4m'), audio: join(dir, 'microphone.wav') };
  // Until the app has a challenge, the camera shows the same person saying other digits.
  await writeFakeMedia(identityFx, media);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${media.video}`,
      `--use-file-for-fake-audio-capture=${media.audio}`,
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await svc?.stop();
  await smtp?.close();
});

async function phoneContext(): Promise<BrowserContext> {
  const ctx = await browser.newContext({
    viewport: PHONE,
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 1,
    userAgent: ANDROID_UA,
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
  });
  // The machine is shared: generous waits (each wait still ends as soon as its condition holds).
  ctx.setDefaultTimeout(90_000);
  return ctx;
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** Serious or critical accessibility violations per screen (axe-core, WCAG 2.1 A/AA rules). */
const a11yViolations: Record<string, string[]> = {};

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  // Each phone screen also at the desktop viewport (the same page, widened for the picture).
  if (name.startsWith('phone-')) {
    await page.setViewportSize(DESKTOP);
    await page.screenshot({
      path: join(ARTIFACTS, `${name.replace('phone-', 'desktop-')}.png`),
      fullPage: true,
    });
    await page.setViewportSize(PHONE);
  }
  // Runtime.evaluate is not subject to the page's CSP (which rightly refuses inline scripts).
  await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(o: unknown): Promise<{ violations: Array<{ id: string; impact: string; nodes: unknown[] }> }>;
        };
      }
    ).axe;
    const r = await axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}, ${v.nodes.length})`);
  });
  a11yViolations[name] = found;
}

function watchErrors(page: Page, errors: string[]): void {
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text()))
      errors.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400)
      errors.push(`HTTP ${r.status()} ${new URL(r.url()).pathname.replace(/[A-Za-z0-9_-]{43}/, '<token>')}`);
  });
}

/** A reviewer (and, for face or digit mismatches, a supervisor) approves the case in the console. */
async function approveInConsole(caseId: string, reasons: string[]): Promise<void> {
  const roles = reasons.some((r) => r === 'FACE_MISMATCH' || r === 'DIGITS_MISMATCH')
    ? (['reviewer', 'supervisor'] as const)
    : (['reviewer'] as const);
  for (const role of roles) {
    const who = await makeReviewer(svc.runtime.db, role, `applicant-${role}`);
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, locale: 'fr-FR' });
    await page.goto(`${svc.url}/console/`);
    await page.getByLabel(/e-mail/i).fill(who.email);
    await page.getByLabel(/mot de passe|password/i).fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /dossiers à vérifier|cases awaiting review/i }).waitFor();
    await page.goto(`${svc.url}/console/cases/${caseId}`);
    await page.getByRole('button', { name: /prendre ce dossier/i }).click();
    await page.getByText(/vous traitez ce dossier/i).waitFor();
    await completeChecklist(page);
    await page.getByTestId('decision-submit').click();
    await page
      .getByText(/décision enregistrée|approbation/i)
      .first()
      .waitFor();
    await page.close();
  }
}

describe('applicant app', () => {
  it('walks the whole journey on a phone: photos, video with the issued digits, decision, activation code', async () => {
    const created = await api.create(identityOf(identityFx), 'fr', { invite: { email: true } });
    expect(created).not.toHaveProperty('challenge');
    const ctx = await phoneContext();
    const page = await ctx.newPage();
    const errors: string[] = [];
    watchErrors(page, errors);

    // The invitation e-letter arrives on the loopback SMTP server; it carries a link to read the letter.
    const invite = await waitFor(
      () => smtp.mails.find((m) => /confirmez votre identité/i.test(m.parsed.subject ?? '')),
      'the invitation e-letter',
    );
    expect(String(invite.parsed.html)).toContain('Lire mon courrier');
    const letterLink = /(http\S+\/invitations\/[A-Za-z0-9_-]{43})/.exec(invite.parsed.text ?? '')![1]!;
    const receipts = () =>
      svc.runtime.db.query(
        `SELECT 1 FROM audit_events WHERE case_id = $1 AND action = 'invitation.letter.received'`,
        [created.id],
      );
    await page.goto(letterLink.replace(svc.runtime.config.PUBLIC_URL, svc.url!));
    await page.getByRole('heading', { name: /lettre recommandée électronique/i }).waitFor();
    await shot(page, 'phone-0-invitation-letter');
    // Reading (a GET, as link scanners do) is not the receipt; pressing the button is.
    expect((await receipts()).rowCount).toBe(0);
    await page.getByRole('button', { name: 'Confirmer mon identité' }).click();
    await page.waitForURL(/\/v\/[A-Za-z0-9_-]{43}$/);
    expect((await receipts()).rowCount).toBe(1);
    const link = page.url();
    expect(link).toBe(created.applicantUrl.replace(svc.runtime.config.PUBLIC_URL, svc.url!));
    const biz = await fetch(`${svc.url}/v1/verifications/${created.id}`, {
      headers: { 'x-api-key': api.apiKey },
    });
    expect(((await biz.json()) as { invitation: unknown }).invitation).toMatchObject({
      email: 'sent',
      sentCount: 1,
    });

    // A computer opened the same link: it shows the QR code and follows the phone.
    const desk = await browser.newPage({ viewport: DESKTOP, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
    desk.setDefaultTimeout(90_000);
    watchErrors(desk, errors);
    await desk.goto(link);
    await desk.getByRole('heading', { name: /continuez sur votre téléphone/i }).waitFor();
    await desk.locator('.qr svg').waitFor();
    await shot(desk, 'desktop-welcome-qr');

    await page.getByRole('heading', { name: /confirmez votre identité en ligne/i }).waitFor();
    await shot(page, 'phone-1-welcome');
    await page.getByRole('button', { name: 'Commencer' }).click();

    await page.getByRole('heading', { name: /quelle pièce/i }).waitFor();
    await page.getByLabel(/carte nationale d’identité \(depuis 2021\)/i).check();
    await shot(page, 'phone-2-document');
    await page.getByRole('button', { name: 'Continuer' }).click();

    for (const [side, file] of [
      ['front', identityFx.front],
      ['back', identityFx.back!],
    ] as const) {
      await page.getByRole('heading', { name: side === 'front' ? /recto/i : /verso/i }).waitFor();
      if (side === 'front') await shot(page, 'phone-3-photo-front');
      await page.getByTestId(`file-${side}`).setInputFiles(file);
      await page.locator('img.preview').waitFor();
      await page.locator('.review [role=status]').waitFor();
      await shot(page, `phone-4-photo-${side}-check`);
      const upload = page.waitForResponse(uploadDone);
      await page.getByRole('button', { name: /utiliser/i }).click();
      expect(((await (await upload).json()) as { kind: string }).kind).toBe(side);
    }

    // Video: the preview runs; "Record" asks the server for the challenge at that moment.
    await page.getByRole('heading', { name: /enregistrez votre vidéo/i }).waitFor();
    await page.waitForFunction(
      () => (document.querySelector('.viewfinder video') as HTMLVideoElement)?.readyState >= 2,
    );
    await shot(page, 'phone-5-video-preview');
    const chResp = page.waitForResponse((r) => r.url().endsWith('/v1/applicant/challenge'));
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    const challenge = (await (await chResp).json()) as { digits: string; issued: boolean; expiresAt: string };
    expect(challenge.digits).toMatch(/^\d{3}$/);
    expect(challenge.issued).toBe(true);
    await page.locator('.big-count').waitFor();
    await shot(page, 'phone-6-countdown');
    await page.getByTestId('digit').filter({ hasText: challenge.digits[0]! }).waitFor();
    await shot(page, 'phone-7-digits');
    // Render the selfie video saying the digits the app obtained, for the fake camera, while this take records.
    const spoken = await fixtureCase({
      seed: SEED,
      doc: 'cni2021',
      lang: 'fr',
      digits: challenge.digits,
      formats: ['mp4'],
    });
    expect(spoken.truth.identity).toEqual(identityFx.truth.identity);
    await writeFakeMedia(spoken, media);
    await page.locator('video.playback').waitFor({ timeout: 90_000 });
    await shot(page, 'phone-8-video-review');

    // Record again: the camera reopens on the new files; the same unexpired challenge is returned.
    await page.getByRole('button', { name: /recommencer la vidéo/i }).click();
    await page.waitForFunction(
      () => (document.querySelector('.viewfinder video') as HTMLVideoElement)?.readyState >= 2,
    );
    const again = page.waitForResponse((r) => r.url().endsWith('/v1/applicant/challenge'));
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    const same = (await (await again).json()) as { digits: string; issued: boolean };
    expect(same).toMatchObject({ digits: challenge.digits, issued: false });
    await page.locator('video.playback').waitFor({ timeout: 90_000 });
    const videoUpload = page.waitForResponse(uploadDone);
    await page.getByRole('button', { name: /envoyer cette vidéo/i }).click();
    await page.getByRole('heading', { name: /envoi de votre vidéo/i }).waitFor();
    await shot(page, 'phone-9-upload');
    const up = await videoUpload;
    expect(((await up.json()) as { kind: string }).kind).toBe('video');
    // Chromium records WebM (VP9/VP8 + Opus); the server identified it from the bytes.
    expect(((await up.json()) as { mime: string }).mime).toBe('video/webm');
    await page.getByRole('heading', { name: /nous vérifions votre identité/i }).waitFor();
    await shot(page, 'phone-10-status-processing');
    // The app reported how it captured the video, stored with it for reviewers.
    const facts = await svc.runtime.db.query<{ kind: string; capture: Record<string, unknown> | null }>(
      `SELECT kind, capture FROM media WHERE case_id = $1 ORDER BY kind`,
      [created.id],
    );
    const video = facts.rows.find((r) => r.kind === 'video')!.capture!;
    expect(video).toMatchObject({ source: 'camera', retakes: 1 });
    expect(String(video.recorderMime)).toMatch(/^video\/webm;codecs=vp[89],opus$/);
    expect(video.durationMs as number).toBeGreaterThan(9000);
    expect(video.challengeToUploadMs as number).toBeGreaterThan(10_000);
    expect(facts.rows.find((r) => r.kind === 'front')!.capture).toMatchObject({ source: 'file', retakes: 0 });

    // The desktop page followed the phone.
    await desk
      .getByRole('heading', { name: /nous vérifions|une personne examine|identité est confirmée/i })
      .waitFor({ timeout: 90_000 });
    await shot(desk, 'desktop-status-followed');

    const outcome = await waitFor(
      async () => {
        const s = await api.status(created.token);
        return s.status !== 'processing' ? (s.status as string) : undefined;
      },
      'the decision',
      180_000,
    );
    if (outcome === 'in_review') {
      // The automatic checks left a doubt (reason codes below): a reviewer approves in the console.
      const b = (await (
        await fetch(`${svc.url}/v1/verifications/${created.id}`, { headers: { 'x-api-key': api.apiKey } })
      ).json()) as { reasons: string[] };
      console.info('applicant flow: in review for', b.reasons.join(','));
      await page.getByRole('heading', { name: /une personne examine/i }).waitFor({ timeout: 90_000 });
      await shot(page, 'phone-10b-status-in-review');
      await approveInConsole(created.id, b.reasons);
    } else expect(outcome).toBe('approved');
    // The activation e-letter arrives on the loopback SMTP server; its page links to the app's code page.
    const mail = await waitFor(
      () => smtp.mails.find((m) => /\/letters\/[A-Za-z0-9_-]{43}/.test(m.parsed.text ?? '')),
      'the activation e-letter',
    );
    const letterUrl = /(http\S+\/letters\/[A-Za-z0-9_-]{43})/.exec(mail.parsed.text ?? '')![1]!;
    await page.goto(letterUrl.replace(svc.runtime.config.PUBLIC_URL, svc.url!));
    // The closed letter shows only its button (a link scanner's GET records no receipt): the person opens it.
    await shot(page, 'phone-11a-activation-letter-closed');
    await page.locator('form[method="post"] button').click();
    const code = (await page.locator('.code').textContent())!.trim();
    expect(code).toMatch(/^\d{6}$/);
    await shot(page, 'phone-11-activation-letter');
    await page.getByRole('link', { name: /saisir mon code/i }).click();
    await page.getByLabel(/code d’activation/i).waitFor();
    await shot(page, 'phone-12-activation');
    // One wrong code first: the remaining attempts are shown.
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    await page.getByLabel(/code d’activation/i).fill(wrong);
    await page.getByRole('button', { name: 'Activer' }).click();
    await page
      .getByText(/essais restants : 4/i)
      .first()
      .waitFor();
    await shot(page, 'phone-13-activation-wrong');
    await page.getByLabel(/code d’activation/i).fill(code);
    await page.getByRole('button', { name: 'Activer' }).click();
    await page.getByRole('heading', { name: /identité numérique est activée/i }).waitFor();
    await shot(page, 'phone-14-activated');
    const act = await svc.runtime.db.query<{ status: string }>(
      'SELECT status FROM activations WHERE case_id = $1',
      [created.id],
    );
    expect(act.rows[0]?.status).toBe('activated');
    // The only failed request is the wrong code.
    expect(errors).toEqual(['HTTP 400 /v1/applicant/activation']);
    // Every screen was scanned: no serious or critical accessibility violation.
    expect(Object.keys(a11yViolations).length).toBeGreaterThanOrEqual(18);
    expect(Object.fromEntries(Object.entries(a11yViolations).filter(([, v]) => v.length))).toEqual({});
    await ctx.close();
    await desk.close();
  }, 420_000);
});
