/// <reference lib="dom" />
// Browser tests of the console's fraud and QA desk (issue #20 items 7-10), Debian Chromium via playwright-core
// against the running service: the seen-before panel on two generated cases sharing a face and a document number
// (the real decide step), the comparator, keyboard decisions with the help overlay, search, QA and the ops
// figures, the development outbox. Screenshots in French and English under test-artifacts/console/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startService, type RunningService } from '../../service/server.js';
import { testConfig } from '../helpers/env.js';
import { consoleDir } from '../../service/api/review/console.js';
import { makeReviewer, PASSWORD, realRun, seedCase } from '../review/seed.js';
import { seedAndDecide } from '../review/seen-before.js';
import { completeChecklist } from './console-checklist.js';
import { launchChromium } from './chromium.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'console');
let svc: RunningService;
let browser: Browser;
const users: Record<string, { id: string; email: string }> = {};
let first: { id: string; status: string };
let other: { id: string; status: string };

beforeAll(async () => {
  if (!consoleDir()) execFileSync('npm', ['run', 'build:ui'], { stdio: 'ignore' });
  mkdirSync(ARTIFACTS, { recursive: true });
  svc = await startService(testConfig({ QA_SAMPLE_RATE: '1' }));
  for (const [tag, role] of [
    ['rev', 'reviewer'],
    ['ops', 'ops'],
    ['adm', 'admin'],
  ] as const)
    users[tag] = await makeReviewer(svc.runtime.db, role, tag);
  await realRun();
  const { db, store, config } = svc.runtime;
  // Two generated cases sharing a face and a document number, the second declared under another identity.
  first = await seedAndDecide(db, store, config, { realCrops: true });
  other = await seedAndDecide(db, store, config, {
    realCrops: true,
    declared: { lastName: 'DUPONT', firstNames: 'Jeanne', birthDate: '1985-01-01' },
  });
  browser = await launchChromium();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await svc?.stop();
});

async function open(lang: 'fr' | 'en', who: string, path = '/console/'): Promise<Page> {
  const page = await browser.newPage({
    viewport: { width: 1400, height: 1000 },
    locale: lang === 'fr' ? 'fr-FR' : 'en-GB',
  });
  await page.addInitScript((l) => localStorage.setItem('idv.lang', l), lang);
  await page.goto(`${svc.url}${path}`);
  await page.getByLabel(/e-mail/i).fill(users[who]!.email);
  await page.getByLabel(/mot de passe|password/i).fill(PASSWORD);
  await page.keyboard.press('Enter');
  await page.locator('header.top nav').waitFor();
  return page;
}

const reference = async (id: string) =>
  (await svc.runtime.db.query<{ reference: string }>('SELECT reference FROM cases WHERE id = $1', [id]))
    .rows[0]!.reference;

describe('console desk', () => {
  it('flags the repeat: seen-before panel side by side (audited), comparator, in French and English', async () => {
    expect(first.status).toBe('approved');
    expect(other.status).toBe('in_review');
    const ref = await reference(other.id);
    const firstRef = await reference(first.id);
    for (const lang of ['fr', 'en'] as const) {
      const page = await open(lang, 'rev');
      // Queue: the reason codes translated.
      await page.locator('table.queue tbody tr').first().waitFor();
      await page
        .locator('table.queue tbody')
        .getByText(/FACE_SEEN_BEFORE|visage déjà vu|face already seen/i)
        .first()
        .waitFor();
      await page.screenshot({ path: join(ARTIFACTS, `queue-${lang}.png`), fullPage: true });
      // Search by reference opens the case.
      await page.locator('#case-search').fill(ref.toLowerCase());
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: new RegExp(ref) }).waitFor();
      const panel = page.getByTestId('seen-before');
      await panel.waitFor();
      await panel.getByRole('link', { name: firstRef }).waitFor();
      await panel.getByText(lang === 'fr' ? /même numéro de document/i : /same document number/i).waitFor();
      await panel.getByText(lang === 'fr' ? /visage proche/i : /close face/i).waitFor();
      // The other case's live face and ID portrait are loaded through the audited media endpoint.
      await page.waitForFunction(
        (n) =>
          Array.from(document.querySelectorAll<HTMLImageElement>('[data-testid=seen-before] img')).filter(
            (i) => i.complete && i.naturalWidth > 0,
          ).length >= n,
        3,
        { timeout: 15_000 },
      );
      // Comparator: three faces at the same scale with their landmarks.
      const cmp = page.getByTestId('comparator');
      await cmp.scrollIntoViewIfNeeded();
      await page.waitForFunction(
        () => document.querySelectorAll('[data-testid=comparator] .cmp-landmarks polyline').length >= 18,
        undefined,
        { timeout: 15_000 },
      );
      const eyeGap = await page.evaluate(() =>
        Array.from(document.querySelectorAll<HTMLElement>('[data-testid=comparator] .cmp-layer')).map((l) => {
          const svg = l.querySelector('svg')!;
          const eye = (n: number) => svg.querySelectorAll('polyline')[n]!.getBoundingClientRect();
          return eye(6).left + eye(6).width / 2 - (eye(5).left + eye(5).width / 2);
        }),
      );
      expect(eyeGap.length).toBeGreaterThanOrEqual(2);
      // Same scale: the eyes are as far apart in every crop (within a few pixels).
      for (const g of eyeGap) expect(Math.abs(g - eyeGap[0]!)).toBeLessThan(8);
      await page.screenshot({ path: join(ARTIFACTS, `case-seen-before-${lang}.png`), fullPage: true });
      await page.keyboard.press('w');
      await page.getByTestId('cmp-wipe').waitFor();
      await page.keyboard.press('+');
      await cmp.screenshot({ path: join(ARTIFACTS, `comparator-wipe-${lang}.png`) });
      await page.keyboard.press('o');
      await page.getByTestId('cmp-overlay').waitFor();
      await page.keyboard.press('v');
      // Help overlay.
      await page.keyboard.press('?');
      const help = page.getByRole('dialog', {
        name: lang === 'fr' ? /raccourcis clavier/i : /keyboard shortcuts/i,
      });
      await help.waitFor();
      await page.screenshot({ path: join(ARTIFACTS, `shortcuts-${lang}.png`) });
      await page.keyboard.press('Escape');
      await expect(help.count()).resolves.toBe(0);
      await page.close();
    }
    const audit = await svc.runtime.db.query<{ case_id: string; action: string }>(
      `SELECT case_id, action FROM audit_events WHERE action IN ('case.seen_before.viewed', 'case.viewed_as_seen_before')`,
    );
    expect(
      audit.rows.filter((r) => r.case_id === other.id && r.action === 'case.seen_before.viewed'),
    ).toHaveLength(2);
    expect(audit.rows.filter((r) => r.case_id === first.id)).toHaveLength(2);
  });

  it('decides with the keyboard: claim, reject with a reason, submit; approve; next case', async () => {
    const { db, store } = svc.runtime;
    const plain = await seedCase(db, store, { reasons: ['FACE_BORDERLINE'] });
    const page = await open('en', 'rev', `/console/cases/${other.id}`);
    await page.getByTestId('seen-before').waitFor();
    await page.keyboard.press('c');
    await page.getByText(/you hold this case/i).waitFor();
    await completeChecklist(page);
    await page.keyboard.press('r');
    await page.locator('input[name=reason]').first().waitFor();
    await page.keyboard.press('1');
    await page.keyboard.press('Control+Enter');
    await page.getByText(/decision saved: rejected/i).waitFor();
    const d = await db.query<{ outcome: string; reasons: string[] }>(
      `SELECT outcome, reasons FROM decisions WHERE case_id = $1 AND source = 'reviewer'`,
      [other.id],
    );
    expect(d.rows[0]!.outcome).toBe('reject');
    expect(d.rows[0]!.reasons).toHaveLength(1);

    await page.goto(`${svc.url}/console/cases/${plain}`);
    await page.getByRole('heading', { name: /REF-/ }).waitFor();
    await page.keyboard.press('c');
    await page.getByText(/you hold this case/i).waitFor();
    await completeChecklist(page);
    await page.keyboard.press('a');
    await page.waitForFunction(
      () => document.activeElement?.getAttribute('data-testid') === 'decision-submit',
    );
    await page.keyboard.press('Enter');
    await page.getByText(/decision saved: approved/i).waitFor();
    expect(
      (await db.query<{ status: string }>('SELECT status FROM cases WHERE id = $1', [plain])).rows[0]!.status,
    ).toBe('approved');
    // Next case: the first other case of the queue.
    const next = await seedCase(db, store, { reasons: ['DIGITS_UNCERTAIN'] });
    await page.keyboard.press('n');
    await page.waitForURL(
      (u) => /\/console\/cases\/[0-9a-f-]{36}$/.test(u.pathname) && !u.pathname.endsWith(plain),
    );
    expect(page.url()).toContain('/console/cases/');
    expect(next).toMatch(/^[0-9a-f-]{36}$/);
    await page.close();
  });

  it('QA: the sampled automatic approval is in the QA queue; the verdict shows in the ops figures', async () => {
    const firstRef = await reference(first.id);
    for (const lang of ['fr', 'en'] as const) {
      const page = await open(lang, 'rev', '/console/qa');
      await page.getByTestId('qa-queue').getByRole('link', { name: firstRef }).waitFor();
      await page.screenshot({ path: join(ARTIFACTS, `qa-${lang}.png`), fullPage: true });
      if (lang === 'en') {
        await page.getByTestId('qa-queue').getByRole('link', { name: firstRef }).click();
        await page.getByTestId('qa-panel').waitFor();
        await page.getByRole('button', { name: 'I agree' }).click();
        await page.getByText(/QA verdict: agrees/i).waitFor();
      }
      await page.close();
    }
    const v = await svc.runtime.db.query<{ verdict: string; reviewer_id: string }>(
      'SELECT verdict, reviewer_id FROM qa_samples WHERE case_id = $1',
      [first.id],
    );
    expect(v.rows[0]).toEqual({ verdict: 'agree', reviewer_id: users.rev!.id });
    for (const lang of ['fr', 'en'] as const) {
      const page = await open(lang, 'ops', '/console/ops');
      const table = page.getByTestId('reviewer-figures');
      const auto = table.getByRole('row', {
        name: lang === 'fr' ? /décisions automatiques/i : /automatic decisions/i,
      });
      await auto.waitFor();
      expect(await auto.locator('td').last().textContent()).toMatch(/^100[\s\u202f\u00a0]?%$/);
      const rev = table.getByRole('row', { name: new RegExp(users.rev!.email) });
      await rev.waitFor();
      await table.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(ARTIFACTS, `ops-reviewers-${lang}.png`), fullPage: true });
      await page.close();
    }
  });

  it('development outbox: admins read each letter and SMS as the applicant gets it', async () => {
    const key = svc.runtime.config.API_KEYS[0]!;
    const r = await fetch(`${svc.url}/v1/verifications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({
        lang: 'fr',
        applicant: {
          lastName: 'Boîte',
          firstNames: 'Léa',
          birthDate: '1990-04-12',
          email: 'lea.boite@example.test',
          mobile: '+33 6 98 76 54 32',
        },
        invite: { email: true, sms: true },
      }),
    });
    expect(r.status).toBe(201);
    const page = await open('fr', 'adm', '/console/outbox');
    await page.getByRole('heading', { name: /boîte d'envoi de développement/i }).waitFor();
    for (let i = 0; i < 60 && !(await page.getByText('lea.boite@example.test').count()); i++) {
      await page.waitForTimeout(500);
      await page.reload();
      await page.getByRole('heading', { name: /boîte d'envoi de développement/i }).waitFor();
    }
    await page.getByText('lea.boite@example.test').waitFor();
    const letter = page.frameLocator('[data-testid=outbox-email] iframe').first();
    await letter
      .getByText(/lire mon courrier/i)
      .first()
      .waitFor();
    await page.getByTestId('outbox-sms').first().waitFor();
    // Every letter rendered (not only the first) before the screenshot: each shows its body text.
    const letters = page.locator('[data-testid=outbox-email] iframe');
    for (let i = 0; i < (await letters.count()); i++)
      await page.frameLocator('[data-testid=outbox-email] iframe').nth(i).locator('body p').first().waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'dev-outbox-fr.png'), fullPage: true });
    await page.close();
    // A reviewer has no such page (and the API refuses).
    const rev = await open('en', 'rev');
    expect(await rev.getByRole('link', { name: /development outbox/i }).count()).toBe(0);
    const status = await rev.evaluate(async () => (await fetch('/api/review/dev-outbox')).status);
    expect(status).toBe(403);
    await rev.close();
  });
});
