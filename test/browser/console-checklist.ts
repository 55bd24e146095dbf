// What a reviewer does before deciding, in the console: play the selfie video and open each document side
// enlarged, until the decision form's checklist (enforced by the server) is complete.
import type { Page } from 'playwright-core';

const SIDE_BUTTON = {
  front: /(enlarge|agrandir) (front|recto)/i,
  back: /(enlarge|agrandir) (back|verso)/i,
} as const;

export async function completeChecklist(page: Page): Promise<void> {
  const checklist = page.getByTestId('checklist');
  await checklist.waitFor();
  const video = checklist.locator('li[data-item=video][data-done=false]');
  if ((await video.count()) > 0) {
    await page.getByTestId('selfie-video').evaluate(async (v: HTMLVideoElement) => {
      v.muted = true;
      await v.play();
      await new Promise((r) => setTimeout(r, 1300));
      v.pause();
    });
    await checklist.locator('li[data-item=video][data-done=true]').waitFor();
  }
  for (const side of ['front', 'back'] as const) {
    if ((await checklist.locator(`li[data-item=${side}][data-done=false]`).count()) === 0) continue;
    await page.getByRole('button', { name: SIDE_BUTTON[side] }).first().click();
    await page.keyboard.press('Escape');
    await checklist.locator(`li[data-item=${side}][data-done=true]`).waitFor();
  }
  await checklist.locator('li[data-done=false]').waitFor({ state: 'detached' });
}
