// BullMQ sandboxed processor (one child process per concurrent job, reused): the CPU-bound document and
// speech analyses. It only computes and returns; the parent worker writes the result to the database
// (with embedded PGlite only one process may open the database).
import type { SandboxedJob } from 'bullmq';
import { runDocument, runSpeech } from '../stages.js';
import type { SandboxPayload } from './payload.js';

export default async function analyse(job: SandboxedJob<SandboxPayload>): Promise<unknown> {
  const p = job.data;
  const { front, back, video } = p.files;
  await job.updateProgress(10);
  let out;
  if (p.stage === 'document') {
    if (!front) throw new Error('document stage without the front photo');
    out = await runDocument(
      { front, ...(back ? { back } : {}) },
      new Date(p.today),
      p.document,
      p.documentType ? { documentType: p.documentType } : {},
    );
  } else {
    if (!video) throw new Error('speech stage without the video');
    out = await runSpeech({ video }, p.digits, p.lang, p.probe, {
      ...(p.mouthCropsOut ? { mouthCropsOut: p.mouthCropsOut } : {}),
    });
  }
  await job.updateProgress(90);
  return out;
}
