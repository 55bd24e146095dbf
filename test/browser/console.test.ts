/// <reference lib="dom" />
// Browser tests of the reviewer console: Debian Chromium driven by playwright-core against the running service
// (built console under /console, real PGlite, real Redis, media encrypted by the storage module).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { existsSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startService, type RunningService } from '../../service/server.js';
import { testConfig } from '../helpers/env.js';
import { consoleDir } from '../../service/api/review/console.js';
import { sweepExpired } from '../../service/review/expiry.js';
import type { MediaStore } from '../../service/storage/index.js';
import { makeReviewer, PASSWORD, realRun, seedCase } from '../review/seed.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts');
let svc: RunningService;
let store: MediaStore;
let browser: Browser;
let reviewer: { email: string };

beforeAll(async () => {
  // The console must be built (bootstrap does it); build it here when missing so the test is self-sufficient.
  if (!consoleDir()) execFileSync('npm', ['run', 'build:ui'], { stdio: 'ignore' });
  mkdirSync(ARTIFACTS, { recursive: true });
  svc = await startService(testConfig());
  store = svc.runtime.store;
  reviewer = await makeReviewer(svc.runtime.db, 'reviewer', 'browser');
  await realRun(); // the real stages, once
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await svc?.stop();
});

async function signIn(page: Page): Promise<void> {
  await page.goto(`${svc.url}/console/`);
  await page.getByLabel(/e-mail/i).fill(reviewer.email);
  await page.getByLabel(/mot de passe|password/i).fill(PASSWORD);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: /dossiers à vérifier|cases awaiting review/i }).waitFor();
}

describe('reviewer console', () => {
  it('signs in, claims a case, plays and seeks the video, approves', async () => {
    const db = svc.runtime.db;
    const id = await seedCase(db, store, { deadline: new Date(Date.now() + 30 * 3600_000) });
    await seedCase(db, store, {
      reasons: ['DIGITS_UNCERTAIN'],
      lang: 'en',
      deadline: new Date(Date.now() + 3 * 3600_000),
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, locale: 'fr-FR' });
    const ranges: number[] = [];
    page.on('response', (r) => {
      if (r.url().includes(`/cases/${id}/media/video`)) ranges.push(r.status());
    });
    await signIn(page);
    await page.locator('table.queue tbody tr').first().waitFor();
    expect(await page.locator('table.queue tbody tr').count()).toBeGreaterThanOrEqual(2);
    // Live countdown is ticking.
    const c1 = await page.locator('.countdown-time').first().textContent();
    await page.waitForTimeout(1100);
    expect(await page.locator('.countdown-time').first().textContent()).not.toBe(c1);
    await page.screenshot({ path: join(ARTIFACTS, 'queue.png'), fullPage: true });

    // Filters live in the URL.
    await page.locator('form.filters select').nth(1).selectOption('en');
    await page.waitForFunction(() => window.location.search.includes('lang=en'));
    await page.locator('table.queue tbody tr').first().waitFor();
    expect(await page.locator('table.queue tbody tr').count()).toBe(1);
    await page.getByRole('button', { name: /effacer les filtres/i }).click();

    const ref = `REF-${id.slice(0, 8)}`;
    await page.getByRole('link', { name: new RegExp(ref) }).click();
    await page.getByRole('heading', { name: new RegExp(ref) }).waitFor();
    await page.getByRole('button', { name: /prendre ce dossier/i }).click();
    await page.getByText(/vous traitez ce dossier/i).waitFor();

    // The document engine's own verdict on a correctly read MRZ ('read') shows as a passed check.
    const docStatus = page.getByTestId('doc-status');
    await docStatus.waitFor();
    expect(await docStatus.getAttribute('class')).toBe('ok');
    expect(await docStatus.textContent()).toContain('✔');
    expect(await docStatus.textContent()).toContain('read');

    // Video: metadata loads through the authorised endpoint, seeking to 2.0 s plays from there.
    const video = page.getByTestId('selfie-video');
    await video.waitFor();
    await page.waitForFunction(
      () => (document.querySelector('video') as HTMLVideoElement).readyState >= 1,
      undefined,
      { timeout: 20_000 },
    );
    const duration = await video.evaluate((v: HTMLVideoElement) => v.duration);
    expect(duration).toBeGreaterThan(3);
    await video.evaluate((v: HTMLVideoElement) => {
      v.muted = true;
      v.currentTime = 2.0;
      return v.play();
    });
    await page.waitForFunction(
      () => (document.querySelector('video') as HTMLVideoElement).currentTime > 2.2,
      undefined,
      { timeout: 10_000 },
    );
    const t = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
    expect(t).toBeGreaterThan(2.0);
    expect(t).toBeLessThan(3.9);
    await video.evaluate((v: HTMLVideoElement) => v.pause());
    expect(ranges).toContain(206);

    // Zoom a document photo with the keyboard and close it with Escape.
    await page.getByRole('button', { name: /agrandir recto/i }).click();
    await page.keyboard.press('+');
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog').count()).resolves.toBe(0);

    await page.screenshot({ path: join(ARTIFACTS, 'case.png'), fullPage: true });
    await page.getByTestId('decision-submit').click();
    await page.getByText(/décision enregistrée : approuvé/i).waitFor();
    const row = await db.query<{ status: string }>('SELECT status FROM cases WHERE id = $1', [id]);
    expect(row.rows[0]!.status).toBe('approved');
    await page.close();
  });

  it('rejects with reason codes (English UI)', async () => {
    const db = svc.runtime.db;
    const id = await seedCase(db, store, { reasons: ['STATIC_VIDEO'] });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, locale: 'en-GB' });
    await page.addInitScript(() => localStorage.setItem('idv.lang', 'en'));
    await signIn(page);
    await page.goto(`${svc.url}/console/cases/${id}`);
    await page.getByRole('button', { name: /claim this case/i }).click();
    await page.getByLabel('Reject', { exact: true }).check();
    // Submitting without a reason is refused in the form.
    await page.getByTestId('decision-submit').click();
    await page.getByText(/choose at least one reason code/i).waitFor();
    await page.locator('input[name=reason][value=STATIC_VIDEO]').check();
    await page.locator('input[name=reason][value=FACE_MISMATCH]').check();
    await page.getByLabel(/note for the case file/i).fill('Printed photo held to the camera');
    await page.getByTestId('decision-submit').click();
    await page.getByText(/decision saved: rejected/i).waitFor();
    const d = await db.query<{ outcome: string; reasons: string[] }>(
      `SELECT outcome, reasons FROM decisions WHERE case_id = $1 AND source = 'reviewer'`,
      [id],
    );
    expect(d.rows[0]!.outcome).toBe('reject');
    expect([...d.rows[0]!.reasons].sort()).toEqual(['FACE_MISMATCH', 'STATIC_VIDEO']);
    await page.close();
  });

  it('an expired case cannot be decided', async () => {
    const db = svc.runtime.db;
    const id = await seedCase(db, store, { deadline: new Date(Date.now() - 1000) });
    await sweepExpired(db);
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, locale: 'fr-FR' });
    await signIn(page);
    await page.goto(`${svc.url}/console/cases/${id}`);
    await page.getByText(/ce dossier a expiré/i).waitFor();
    expect(await page.getByRole('button', { name: /prendre ce dossier/i }).count()).toBe(0);
    expect(await page.getByTestId('decision-submit').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'case-expired.png'), fullPage: true });
    // Even a hand-made request from the signed-in page is refused by the server.
    const status = await page.evaluate(async (caseId) => {
      const me = await (await fetch('/api/review/auth/me')).json();
      const r = await fetch(`/api/review/cases/${caseId}/decision`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
        body: JSON.stringify({ action: 'approve' }),
      });
      return { status: r.status, body: await r.json() };
    }, id);
    expect(status.status).toBe(409);
    expect(status.body.error.code).toBe('case_expired');
    await page.close();
    expect(existsSync(join(ARTIFACTS, 'queue.png'))).toBe(true);
  });

  it('shows the ops dashboard to the ops role', async () => {
    const ops = await makeReviewer(svc.runtime.db, 'ops', 'ops');
    await seedCase(svc.runtime.db, store, { deadline: new Date(Date.now() + 2 * 3600_000) });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, locale: 'fr-FR' });
    await page.goto(`${svc.url}/console/ops`);
    await page.getByLabel(/e-mail/i).fill(ops.email);
    await page.getByLabel(/mot de passe|password/i).fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Exploitation' }).waitFor();
    await page.locator('.tile').first().waitFor();
    const breaches = await page
      .locator('.tile', { hasText: /échéances dépassées/i })
      .locator('.tile-value')
      .textContent();
    expect(Number(breaches)).toBeGreaterThanOrEqual(1);
    expect(await page.getByRole('link', { name: /REF-/ }).count()).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: join(ARTIFACTS, 'ops.png'), fullPage: true });
    await page.close();
  });
});
