// BullMQ sandboxed processor (one child process per concurrent job, reused): the CPU-bound document and
// speech analyses. It only computes and returns; the parent worker writes the result to the database
// (with embedded PGlite only one process may open the database).
import type { SandboxedJob } from 'bullmq';
import { runDocument, runSpeech } from '../stages.js';
import type { SandboxPayload } from './payload.js';

export default async function analyse(job: SandboxedJob<SandboxPayload>): Promise<unknown> {
  const p = job.data;
  await job.updateProgress(10);
  const out =
    p.stage === 'document'
      ? await runDocument(p.files, new Date(p.today), p.document)
      : await runSpeech(p.files, p.digits, p.lang);
  await job.updateProgress(90);
  return out;
}
