/// <reference lib="dom" />
// The reviewer console shows the MRZ crop of the photo it was read on, with a box on every character the check
// digits would change (printed → chosen, probabilities): a generated passport printing a wrong document-number
// check digit, read by the real document stage, stored as the pipeline stores it, seen in Debian Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createReadStream, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startService, type RunningService } from '../../service/server.js';
import { consoleDir } from '../../service/api/review/console.js';
import { putStageResult } from '../../service/cases/index.js';
import type { DocumentStageResult } from '../../service/contracts/stage-results.js';
import { generateDocumentSet } from '../../service/fixtures/document-set.js';
import { runDocument } from '../../service/pipeline/stages.js';
import { tempDir, testConfig } from '../helpers/env.js';
import { makeReviewer, PASSWORD } from '../review/seed.js';
import { launchChromium } from './chromium.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts');

let svc: RunningService;
let browser: Browser;
let reviewer: { email: string };
let front: string;
let doc: DocumentStageResult;

beforeAll(async () => {
  if (!consoleDir()) execFileSync('npm', ['run', 'build:ui'], { stdio: 'ignore' });
  mkdirSync(ARTIFACTS, { recursive: true });
  const dir = tempDir('idv-mrzcrop-');
  const [e] = await generateDocumentSet({
    n: 1,
    seed: 42,
    out: dir,
    types: ['passport'],
    wrongCheckDigit: true,
  });
  front = join(dir, e!.file);
  doc = await runDocument({ front }, new Date('2026-06-01T00:00:00Z'), {
    allowedTypes: ['ID_CARD', 'PASSPORT', 'RESIDENCE_PERMIT'],
    minimumAge: 18,
  });
  svc = await startService(testConfig());
  reviewer = await makeReviewer(svc.runtime.db, 'reviewer', 'mrzcrop');
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await svc?.stop();
});

/** A case in review with its front photo and the document stage's result (the other stages not run). */
async function seedDocumentCase(): Promise<string> {
  const db = svc.runtime.db;
  const id = randomUUID();
  await db.query(
    `INSERT INTO cases (id, reference, status, lang, applicant, attempt, expires_at, submitted_at, review_deadline, reasons)
     VALUES ($1, $2, 'in_review', 'en', $3, 1, $4, $5, $6, $7)`,
    [
      id,
      `REF-${id.slice(0, 8)}`,
      JSON.stringify({ lastName: 'X', firstNames: 'Y', birthDate: '1990-01-01', email: 'a@example.test' }),
      new Date(Date.now() + 7 * 24 * 3600_000),
      new Date(Date.now() - 3600_000),
      new Date(Date.now() + 2 * 24 * 3600_000),
      ['MRZ_CHECK_DIGIT'],
    ],
  );
  const o = await svc.runtime.store.put(createReadStream(front), { caseId: id });
  await db.query(
    `INSERT INTO media (id, case_id, attempt, kind, storage_key, mime, size_bytes, sha256) VALUES ($1, $2, 1, 'front', $3, 'image/jpeg', $4, $5)`,
    [randomUUID(), id, o.key, o.size, o.sha256],
  );
  await putStageResult(db, {
    caseId: id,
    attempt: 1,
    stage: 'document',
    status: 'ok',
    result: doc,
    durationMs: 100,
  });
  return id;
}

describe('MRZ crop in the console', () => {
  it('shows the repaired characters boxed on the MRZ, with printed → chosen and probabilities', async () => {
    expect(doc.signals.findings).toEqual(['MRZ_CHECK_DIGIT']);
    const repairs = doc.mrz!.repairs;
    expect(repairs.length).toBeGreaterThan(0);
    const id = await seedDocumentCase();
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, locale: 'en-GB' });
    await page.addInitScript(() => localStorage.setItem('idv.lang', 'en'));
    await page.goto(`${svc.url}/console/`);
    await page.getByLabel(/e-mail/i).fill(reviewer.email);
    await page.getByLabel(/password/i).fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /cases awaiting review/i }).waitFor();
    await page.goto(`${svc.url}/console/cases/${id}`);
    const crop = page.getByTestId('mrz-crop');
    await crop.waitFor();
    // The photo loads through the authorised media endpoint.
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('[data-testid=mrz-crop] img');
      return !!img && img.complete && img.naturalWidth > 0;
    });
    const items = page.getByTestId('mrz-repair');
    expect(await items.count()).toBe(repairs.length);
    for (let i = 0; i < repairs.length; i++) {
      const r = repairs[i]!;
      const text = await items.nth(i).textContent();
      expect(text).toContain(`line ${r.line + 1}, position ${r.col + 1}`);
      expect(text).toContain(`printed ${r.printed} (${r.pPrinted.toFixed(2)})`);
      expect(text).toContain(`chosen ${r.chosen} (${r.pChosen.toFixed(2)})`);
    }
    // One box per repair, inside the crop, on its line: its place along the crop is its column's.
    const boxes = page.getByTestId('mrz-repair-box');
    expect(await boxes.count()).toBe(repairs.length);
    const view = (await crop.locator('.mrz-crop-view').boundingBox())!;
    const lines = doc.mrz!.lines;
    const xs = lines.flatMap((l) => [l.x0, l.x1]);
    for (let i = 0; i < repairs.length; i++) {
      const b = (await boxes.nth(i).boundingBox())!;
      expect(b.x).toBeGreaterThanOrEqual(view.x);
      expect(b.x + b.width).toBeLessThanOrEqual(view.x + view.width);
      expect(b.y).toBeGreaterThanOrEqual(view.y);
      expect(b.y + b.height).toBeLessThanOrEqual(view.y + view.height);
      const frac = (b.x + b.width / 2 - view.x) / view.width;
      const pad = Math.max(...lines.map((l) => l.height));
      const x0 = Math.min(...xs) - pad;
      const expected = (repairs[i]!.at!.cx - x0) / (Math.max(...xs) + pad - x0);
      expect(Math.abs(frac - expected)).toBeLessThan(0.02);
      expect(await boxes.nth(i).textContent()).toBe(`${repairs[i]!.printed}→${repairs[i]!.chosen}`);
    }
    await crop.screenshot({ path: join(ARTIFACTS, 'mrz-crop.png') });
    await page.close();
  });
});
