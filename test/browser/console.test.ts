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
/** Screenshots of the queue, case page and decision form in both languages (issue #20). */
const SHOTS = join(ARTIFACTS, 'console');
let svc: RunningService;
let store: MediaStore;
let browser: Browser;
let reviewer: { email: string };

beforeAll(async () => {
  // The console must be built (bootstrap does it); build it here when missing so the test is self-sufficient.
  if (!consoleDir()) execFileSync('npm', ['run', 'build:ui'], { stdio: 'ignore' });
  mkdirSync(SHOTS, { recursive: true });
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

async function signIn(page: Page, as: { email: string } = reviewer): Promise<void> {
  await page.goto(`${svc.url}/console/`);
  await page.getByLabel(/e-mail/i).fill(as.email);
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
    // Reasons and document types in words, one vocabulary for the filter and the table; Paris time said.
    const table = page.locator('table.queue');
    expect(await table.textContent()).toContain('Similarité des visages incertaine');
    expect(await table.locator('tbody').textContent()).not.toMatch(/FACE_BORDERLINE|ID_CARD/);
    expect(await table.locator('tbody td:nth-child(6)').first().textContent()).toBe("Carte d'identité");
    expect(await page.locator('form.filters select').nth(2).locator('option').allTextContents()).toContain(
      "Carte d'identité",
    );
    expect(await table.locator('thead').textContent()).toContain('heure de Paris');
    expect(await table.locator('tbody').textContent()).toMatch(/\d+,\d heures ouvrées restantes/);
    await page.screenshot({ path: join(SHOTS, 'queue-fr.png'), fullPage: true });

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

    // The document engine's own verdict on a correctly read MRZ ('read') shows as a passed check, in words.
    const docStatus = page.getByTestId('doc-status');
    await docStatus.waitFor();
    expect(await docStatus.getAttribute('class')).toBe('ok');
    expect(await docStatus.textContent()).toContain('✔');
    expect(await docStatus.textContent()).toContain('Lecture du document : lue');
    // Facts in French words: MRZ field names, signals, the speech verdict; decimals with a comma.
    const mrz = await page.locator('#sec-doc ~ * table.kv th').allTextContents();
    expect(mrz).toEqual(expect.arrayContaining(['Nom', 'Prénoms', 'Date de naissance', 'Sexe']));
    expect(mrz).not.toContain('lastName');
    const signals = (await page.locator('section[aria-labelledby=sec-signals]').textContent()) ?? '';
    expect(signals).toContain('Aucun visage trouvé : non');
    expect(signals).not.toMatch(/face\.noFace|speech\.decision/);
    expect(await page.getByTestId('speech-decision').textContent()).toBe(
      'Contrôle vocal : chiffres concordants',
    );
    // The similarity is shown with the digits its thresholds need, and its meaning agrees with the shown number.
    const sim = (await page.getByTestId('similarity').textContent()) ?? '';
    const m = /Similarité (\d),(\d{4}) — (À partir de|Entre|Sous) (\d),(\d{4})(?: et (\d),(\d{4}))?/.exec(
      sim,
    );
    expect(m, sim).not.toBeNull();
    const shown = Number(`${m![1]}.${m![2]}`);
    const th = { accept: 0, reject: 0 };
    if (m![3] === 'Entre')
      Object.assign(th, { reject: Number(`${m![4]}.${m![5]}`), accept: Number(`${m![6]}.${m![7]}`) });
    if (m![3] === 'À partir de') expect(shown).toBeGreaterThanOrEqual(Number(`${m![4]}.${m![5]}`));
    if (m![3] === 'Sous') expect(shown).toBeLessThan(Number(`${m![4]}.${m![5]}`));
    if (m![3] === 'Entre') expect(shown >= th.reject && shown < th.accept).toBe(true);
    expect(await page.locator('.case-head').textContent()).toContain('heure de Paris');

    // The checklist: nothing done yet, the submit button waits, and the server refuses a hand-made decision.
    const checklist = page.getByTestId('checklist');
    expect(await checklist.locator('li[data-done=false]').count()).toBe(2);
    expect(await page.getByTestId('decision-submit').isDisabled()).toBe(true);
    await page.locator('section.decision').screenshot({ path: join(SHOTS, 'decision-form-fr.png') });
    const early = await page.evaluate(async (caseId) => {
      const me = await (await fetch('/api/review/auth/me')).json();
      const r = await fetch(`/api/review/cases/${caseId}/decision`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
        body: JSON.stringify({ action: 'approve' }),
      });
      return { status: r.status, body: await r.json() };
    }, id);
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('review_incomplete');
    // Loading the page loaded the video's first bytes, which is not a view.
    const viewedBefore = await db.query(
      `SELECT 1 FROM audit_events WHERE case_id = $1 AND action = 'case.media.viewed' AND details->>'kind' = 'video'`,
      [id],
    );
    expect(viewedBefore.rowCount).toBe(0);

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
    await checklist.locator('li[data-item=video][data-done=true]').waitFor();
    const watched = await db.query<{ details: { secondsWatched: number } }>(
      `SELECT details FROM audit_events WHERE case_id = $1 AND action = 'case.media.viewed' AND details->>'kind' = 'video'`,
      [id],
    );
    expect(watched.rows[0]!.details.secondsWatched).toBeGreaterThan(0);
    expect(await page.getByTestId('decision-submit').isDisabled()).toBe(true);

    // Zoom a document photo with the keyboard and close it with Escape: the front is looked at.
    await page.getByRole('button', { name: /agrandir recto/i }).click();
    await page.keyboard.press('+');
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog').count()).resolves.toBe(0);
    await checklist.locator('li[data-item=front][data-done=true]').waitFor();
    expect(await page.getByTestId('decision-submit').isDisabled()).toBe(false);
    await page.screenshot({ path: join(SHOTS, 'case-fr.png'), fullPage: true });
    await page.getByTestId('decision-submit').click();
    await page.getByText(/décision enregistrée : approuvé/i).waitFor();
    // The reloaded history says what was done, in words.
    await page
      .locator('section[aria-labelledby=sec-history]')
      .getByText(/Face de la pièce agrandie/)
      .waitFor();
    const history = (await page.locator('section[aria-labelledby=sec-history]').textContent()) ?? '';
    expect(history).toContain('Vidéo chargée (pas encore lue)');
    expect(history).toMatch(/Média regardé \[vidéo, \d+,\d s regardées\]/);
    expect(history).toContain('Face de la pièce agrandie [recto]');

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
    await page.locator('table.queue tbody tr').first().waitFor();
    const queue = page.locator('table.queue');
    expect(await queue.textContent()).toContain('Video looks static (photo or replay?)');
    expect(await queue.locator('tbody').textContent()).not.toMatch(/STATIC_VIDEO|ID_CARD/);
    expect(await queue.locator('thead').textContent()).toContain('Paris time');
    await page.screenshot({ path: join(SHOTS, 'queue-en.png'), fullPage: true });
    await page.goto(`${svc.url}/console/cases/${id}`);
    await page.getByRole('button', { name: /claim this case/i }).click();
    await page.getByText(/you hold this case/i).waitFor();
    // English words and dot decimals; the document type as in the queue.
    expect(await page.getByTestId('doc-status').textContent()).toContain('Document reading: read');
    expect(await page.getByTestId('speech-decision').textContent()).toBe('Speech check: digits match');
    expect(await page.getByTestId('similarity').textContent()).toMatch(/Similarity \d\.\d{4} — /);
    expect(await page.locator('.case-head').textContent()).toContain('Paris time');
    await page.locator('section.decision').screenshot({ path: join(SHOTS, 'decision-form-en.png') });
    await page.getByTestId('selfie-video').evaluate(async (v: HTMLVideoElement) => {
      v.muted = true;
      await v.play();
      await new Promise((r) => setTimeout(r, 1300));
      v.pause();
    });
    await page.locator('[data-testid=checklist] li[data-item=video][data-done=true]').waitFor();
    await page.getByRole('button', { name: /enlarge front/i }).click();
    await page.keyboard.press('Escape');
    await page.locator('[data-testid=checklist] li[data-item=front][data-done=true]').waitFor();
    await page.screenshot({ path: join(SHOTS, 'case-en.png'), fullPage: true });
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

  it('four-eyes: the stage and the approve state follow the rules; a supervisor takes over a lease', async () => {
    const db = svc.runtime.db;
    const id = await seedCase(db, store, { reasons: ['FACE_MISMATCH'] });
    const bob = await makeReviewer(db, 'reviewer', 'bob');
    const sue = await makeReviewer(db, 'supervisor', 'sue');
    const lookAndOpen = async (page: Page) => {
      await page.getByTestId('selfie-video').evaluate(async (v: HTMLVideoElement) => {
        v.muted = true;
        await v.play();
        await new Promise((r) => setTimeout(r, 1200));
        v.pause();
      });
      await page.getByRole('button', { name: /agrandir recto/i }).click();
      await page.keyboard.press('Escape');
      await page.locator('[data-testid=checklist] li[data-done=false]').waitFor({ state: 'detached' });
    };
    // First approval by a reviewer.
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, locale: 'fr-FR' });
    await signIn(page);
    await page.goto(`${svc.url}/console/cases/${id}`);
    await page.getByRole('button', { name: /prendre ce dossier/i }).click();
    // Waiting locators, not one-off reads: the case reloads after each action.
    await page.getByTestId('four-eyes-stage').filter({ hasText: 'étape 1 sur 2' }).waitFor();
    await lookAndOpen(page);
    await page.getByTestId('decision-submit').click();
    await page.getByText(/première approbation enregistrée/i).waitFor();
    // Back on the case: step 2 named, and the first approver cannot approve again (no button that would 403).
    await page
      .getByTestId('four-eyes-stage')
      .filter({ hasText: 'étape 2 sur 2' })
      .filter({ hasText: reviewer.email })
      .waitFor();
    await page.getByRole('button', { name: /prendre ce dossier/i }).click();
    await page.getByTestId('approve-blocked').waitFor();
    expect(await page.getByLabel('Approuver', { exact: true }).isDisabled()).toBe(true);
    expect(await page.getByLabel('Refuser', { exact: true }).isChecked()).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'case-four-eyes-fr.png'), fullPage: true });
    await page.getByRole('button', { name: /^libérer$/i }).click();
    await page.close();

    // Another plain reviewer: approve is blocked too, for the supervisor rule.
    const pb = await browser.newPage({ viewport: { width: 1400, height: 1000 }, locale: 'en-GB' });
    await pb.addInitScript(() => localStorage.setItem('idv.lang', 'en'));
    await signIn(pb, bob);
    await pb.goto(`${svc.url}/console/cases/${id}`);
    await pb.getByRole('button', { name: /claim this case/i }).click();
    await pb
      .getByTestId('approve-blocked')
      .filter({ hasText: /only a supervisor/i })
      .waitFor();
    expect(await pb.getByLabel('Approve', { exact: true }).isDisabled()).toBe(true);
    await pb.getByTestId('four-eyes-stage').filter({ hasText: 'step 2 of 2' }).waitFor();
    await pb.screenshot({ path: join(SHOTS, 'case-four-eyes-en.png'), fullPage: true });
    await pb.close();

    // Bob keeps the lease; the supervisor sees who holds it and takes it over (audited), then approves.
    const ps = await browser.newPage({ viewport: { width: 1400, height: 1000 }, locale: 'fr-FR' });
    await signIn(ps, sue);
    await ps.goto(`${svc.url}/console/cases/${id}`);
    const holder = ps.getByTestId('lease-holder');
    await holder.filter({ hasText: `${bob.email} traite ce dossier depuis` }).waitFor();
    await ps.getByRole('button', { name: /reprendre ce dossier/i }).click();
    await ps.getByText(/vous traitez ce dossier/i).waitFor();
    expect(await ps.getByLabel('Approuver', { exact: true }).isDisabled()).toBe(false);
    await lookAndOpen(ps);
    await ps.getByLabel('Approuver', { exact: true }).check();
    await ps.getByTestId('decision-submit').click();
    await ps.getByText(/décision enregistrée : approuvé/i).waitFor();
    await ps.close();
    const a = await db.query<{ actor_id: string; details: { fromReviewerId: string } }>(
      `SELECT actor_id, details FROM audit_events WHERE case_id = $1 AND action = 'case.lease.taken_over'`,
      [id],
    );
    expect(a.rows.map((r) => [r.actor_id, r.details.fromReviewerId])).toEqual([[sue.id, bob.id]]);
    const row = await db.query<{ status: string }>('SELECT status FROM cases WHERE id = $1', [id]);
    expect(row.rows[0]!.status).toBe('approved');
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
    expect(existsSync(join(SHOTS, 'queue-fr.png'))).toBe(true);
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
