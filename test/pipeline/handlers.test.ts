// Unit tests of the pipeline handlers with strict in-memory fakes of the repository (test/pipeline/fakes.ts),
// the real encrypted media store and the real media engine (ffprobe). The end-to-end tests (api, pipeline-pg)
// run the same handlers on BullMQ, Redis and a real database.
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pino } from 'pino';
import { UnrecoverableError } from 'bullmq';
import type { MediaKind } from '../../service/cases/index.js';
import {
  DocumentStageResultSchema,
  FaceStageResultSchema,
  SpeechStageResultSchema,
  type DocumentStageResult,
  type FaceStageResult,
  type SpeechStageResult,
} from '../../service/contracts/stage-results.js';
import { probe, type MediaProbe } from '../../service/media/index.js';
import { createLocalMediaStore } from '../../service/storage/index.js';
import {
  handleDecide,
  handleFace,
  handleIngest,
  handleSandboxed,
  type HandlerDeps,
  type StageRun,
} from '../../service/pipeline/handlers.js';
import type { FaceAdapter } from '../../service/pipeline/engines/face.js';
import { reviewDeadline } from '../../service/review/calendar.js';
import { tempDir } from '../helpers/env.js';
import { FACE_JPG, testVideo } from '../review/seed.js';
import { memoryPipelineRepository, type MemoryPipelineRepository } from './fakes.js';

const SLA = { slaWorkingHours: 48, atRiskHours: 12 };

/** An engine whose module fails to load, as the old string loader reported it (renamed UnrecoverableError). */
class EngineUnavailableError extends UnrecoverableError {
  constructor(engine: string) {
    super(`${engine} engine unavailable`);
    this.name = 'EngineUnavailableError';
  }
}

const DOCUMENT: DocumentStageResult = DocumentStageResultSchema.parse({
  signals: { findings: [], identity: { lastName: 'MARTIN', firstNames: 'LEA', birthDate: '1990-04-12' } },
  status: 'read',
  documentType: 'ID_CARD',
  fields: { documentType: 'ID_CARD', lastName: 'MARTIN', firstNames: 'LEA', birthDate: '1990-04-12' },
  findings: [],
});
const FACE: FaceStageResult = FaceStageResultSchema.parse({
  signals: {
    similarity: 0.97,
    noFace: false,
    faceTooSmall: false,
    multiplePeople: false,
    staticVideo: false,
    cardNotSeen: false,
  },
  decision: 'match',
  bestFrames: [{ index: 3, timeSec: 0.4, quality: 0.9 }],
  cardInVideo: { found: true, similarity: 0.8, frameIndex: 5 },
  mouthTrack: [],
  framesAnalysed: 8,
});
const SPEECH: SpeechStageResult = SpeechStageResultSchema.parse({
  signals: { decision: 'match' },
  confidence: 0.9,
  recognised: '471',
  segments: [],
});

let videoProbe: Promise<MediaProbe> | undefined;

interface Harness {
  deps: HandlerDeps;
  cases: MemoryPipelineRepository;
  enqueued: Array<{ caseId: string; attempt: number }>;
  expiries: Array<{ caseId: string; deadline: Date }>;
  /** Stores bytes encrypted and records them as this attempt's media. */
  addMedia(caseId: string, kind: MediaKind, bytes: Buffer, probe?: MediaProbe): Promise<void>;
}

function harness(engines: Partial<HandlerDeps['engines']> = {}): Harness {
  const cases = memoryPipelineRepository();
  const store = createLocalMediaStore(tempDir('idv-handlers-'), randomBytes(32).toString('hex'));
  const enqueued: Harness['enqueued'] = [];
  const expiries: Harness['expiries'] = [];
  const deps: HandlerDeps = {
    cases,
    store,
    logger: pino({ level: 'silent' }),
    policy: { reviewAll: false, maxAttempts: 3, faceAccept: 0.92, faceReject: 0.25 },
    document: { allowedTypes: ['ID_CARD', 'PASSPORT', 'RESIDENCE_PERMIT'], minimumAge: 18 },
    challengeTtlMinutes: 30,
    sla: SLA,
    engines: {
      probe: (path) => probe(path),
      face: () => Promise.reject(new Error('face engine not used by this test')),
      analyse: () => Promise.reject(new Error('sandbox not used by this test')),
      ...engines,
    },
    enqueueAnalysis: async (ref) => void enqueued.push(ref),
    scheduleExpiry: async (caseId, deadline) => void expiries.push({ caseId, deadline }),
  };
  return {
    deps,
    cases,
    enqueued,
    expiries,
    async addMedia(caseId, kind, bytes, p) {
      const o = await store.put(Readable.from([bytes]), { caseId });
      await cases.upsertMedia({
        caseId,
        attempt: 1,
        kind,
        storageKey: o.key,
        mime: kind === 'video' ? 'video/webm' : 'image/jpeg',
        sizeBytes: o.size,
        sha256: o.sha256,
        ...(p ? { probe: p } : {}),
      });
    },
  };
}

const run = (caseId: string, o: Partial<StageRun> = {}): StageRun => ({
  caseId,
  attempt: 1,
  lastAttempt: false,
  progress: async () => undefined,
  ...o,
});

/** A case with the front photo and a real video (probed at upload, as the applicant API does). */
async function uploadedCase(h: Harness, declaredDocumentType: 'PASSPORT' | null = null) {
  const c = h.cases.addCase({ declaredDocumentType });
  await h.addMedia(c.id, 'front', readFileSync(FACE_JPG));
  videoProbe ??= probe(testVideo());
  await h.addMedia(c.id, 'video', readFileSync(testVideo()), await videoProbe);
  return c;
}

function expectInReviewProcessingFailed(h: Harness, caseId: string) {
  const c = h.cases.cases.get(caseId)!;
  expect(c.status).toBe('in_review');
  expect(c.reasons).toEqual(['PROCESSING_FAILED']);
  const deadline = reviewDeadline(c.submittedAt!, SLA);
  expect(c.reviewDeadline).toEqual(deadline);
  // The expiry job is scheduled at the deadline as the case enters review (not left to the sweeper).
  expect(h.expiries).toEqual([{ caseId, deadline }]);
}

describe('ingest', () => {
  it('stores the video facts and starts the analyses', async () => {
    const h = harness();
    const c = await uploadedCase(h);
    expect(await handleIngest(h.deps, run(c.id))).toEqual({ status: 'ok', cached: false });
    const row = await h.cases.getStageResult(c.id, 1, 'ingest');
    expect(row?.status).toBe('ok');
    expect((row?.result as { video: { hasAudio: boolean } }).video.hasAudio).toBe(true);
    expect(h.enqueued).toEqual([{ caseId: c.id, attempt: 1 }]);
    expect(h.cases.cases.get(c.id)!.progress.ingest).toEqual({ state: 'done', percent: 100 });
    // A re-run (crash after the result was written) does not recompute, and carries on.
    expect(await handleIngest(h.deps, run(c.id))).toEqual({ status: 'ok', cached: true });
    expect(h.enqueued).toHaveLength(2);
  });

  it('a permanent media error sends the case to review with PROCESSING_FAILED on the first attempt', async () => {
    const h = harness();
    const c = h.cases.addCase();
    await h.addMedia(c.id, 'front', readFileSync(FACE_JPG));
    // Not a video at all, and no probe from the upload check: the real ffprobe refuses it.
    await h.addMedia(c.id, 'video', Buffer.from('this is not a video, only text'.repeat(40)));
    const err = await handleIngest(h.deps, run(c.id)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnrecoverableError); // BullMQ does not retry it
    const row = await h.cases.getStageResult(c.id, 1, 'ingest');
    expect(row?.status).toBe('failed');
    expect(['not_media', 'corrupt']).toContain((row?.result as { error: string }).error);
    expect(h.enqueued).toEqual([]);
    expectInReviewProcessingFailed(h, c.id);
  });

  it('an engine failing to load (an UnrecoverableError subclass with its own name) is a final failure', async () => {
    const h = harness({ probe: () => Promise.reject(new EngineUnavailableError('media')) });
    const c = h.cases.addCase();
    await h.addMedia(c.id, 'front', readFileSync(FACE_JPG));
    await h.addMedia(c.id, 'video', readFileSync(testVideo()));
    await expect(handleIngest(h.deps, run(c.id))).rejects.toBeInstanceOf(EngineUnavailableError);
    expect((await h.cases.getStageResult(c.id, 1, 'ingest'))?.result).toMatchObject({
      error: 'EngineUnavailableError',
    });
    expectInReviewProcessingFailed(h, c.id);
  });

  it('a transient failure is retried, and only the last attempt sends the case to review', async () => {
    let calls = 0;
    const h = harness({
      probe: () => {
        calls++;
        return Promise.reject(new Error('ffprobe was killed'));
      },
    });
    const c = h.cases.addCase();
    await h.addMedia(c.id, 'front', readFileSync(FACE_JPG));
    await h.addMedia(c.id, 'video', readFileSync(testVideo()));
    const first = await handleIngest(h.deps, run(c.id)).catch((e: unknown) => e);
    expect(first).not.toBeInstanceOf(UnrecoverableError); // BullMQ retries it with backoff
    expect(await h.cases.getStageResult(c.id, 1, 'ingest')).toBeUndefined();
    expect(h.cases.cases.get(c.id)!.status).toBe('processing');
    await expect(handleIngest(h.deps, run(c.id, { lastAttempt: true }))).rejects.toBeInstanceOf(
      UnrecoverableError,
    );
    expect(calls).toBe(2);
    expectInReviewProcessingFailed(h, c.id);
  });
});

describe('document and speech (sandboxed)', () => {
  it('stores what the child computed from the decrypted media, with the challenge', async () => {
    const seen: Array<{ stage: string; files: string[]; digits: string; documentType?: string }> = [];
    const h = harness({
      analyse: async (_run, p) => {
        seen.push({
          stage: p.stage,
          files: Object.keys(p.files).sort(),
          digits: p.digits,
          ...(p.documentType ? { documentType: p.documentType } : {}),
        });
        // The child gets plaintext copies of the stored bytes.
        if (p.files.front) expect(readFileSync(p.files.front)).toEqual(readFileSync(FACE_JPG));
        return p.stage === 'document' ? DOCUMENT : SPEECH;
      },
    });
    // The declared document type reaches the document reader (a prior), not the speech stage.
    const c = await uploadedCase(h, 'PASSPORT');
    expect((await handleSandboxed(h.deps, run(c.id), 'document')).status).toBe('ok');
    expect((await handleSandboxed(h.deps, run(c.id), 'speech')).status).toBe('ok');
    expect(seen).toEqual([
      { stage: 'document', files: ['front'], digits: '471', documentType: 'PASSPORT' },
      { stage: 'speech', files: ['video'], digits: '471' },
    ]);
    expect((await h.cases.getStageResult(c.id, 1, 'document'))?.result).toEqual(DOCUMENT);
    // An analysis joins the decision: it neither starts anything nor decides the case.
    expect(h.enqueued).toEqual([]);
    expect(h.cases.cases.get(c.id)!.status).toBe('processing');
  });

  it('a final failure is stored for the decision, without deciding the case itself', async () => {
    const h = harness({ analyse: () => Promise.reject(new Error('child crashed')) });
    const c = await uploadedCase(h);
    await expect(
      handleSandboxed(h.deps, run(c.id, { lastAttempt: true }), 'document'),
    ).rejects.toBeInstanceOf(UnrecoverableError);
    expect((await h.cases.getStageResult(c.id, 1, 'document'))?.status).toBe('failed');
    expect(h.cases.cases.get(c.id)!.status).toBe('processing');
    expect(h.expiries).toEqual([]);
  });
});

describe('face', () => {
  it('stores the result and the encrypted crops for the reviewer', async () => {
    const crop = readFileSync(FACE_JPG).subarray(0, 2000);
    const fake: FaceAdapter = {
      analyze: async (input) => {
        expect(input.document.width).toBeGreaterThan(0); // the decoded front photo
        return { result: FACE, crops: { portrait: crop, bestFrame: crop, cardFrame: null } };
      },
      ready: async () => undefined,
      close: async () => undefined,
    };
    const h = harness({ face: async () => fake });
    const c = await uploadedCase(h);
    expect((await handleFace(h.deps, run(c.id))).status).toBe('ok');
    expect((await h.cases.getStageResult(c.id, 1, 'face'))?.result).toEqual(FACE);
    const kinds = (await h.cases.listMedia(c.id, 1)).map((m) => m.kind).sort();
    expect(kinds).toEqual(['front', 'live_frame', 'portrait', 'video']);
  });
});

describe('decide', () => {
  async function analysed(h: Harness, failed: Array<'document' | 'face' | 'speech'> = []) {
    const c = await uploadedCase(h);
    const results = { document: DOCUMENT, face: FACE, speech: SPEECH };
    for (const stage of ['document', 'face', 'speech'] as const)
      await h.cases.putStageResult({
        caseId: c.id,
        attempt: 1,
        stage,
        status: failed.includes(stage) ? 'failed' : 'ok',
        result: failed.includes(stage) ? { error: 'Error', message: 'x' } : results[stage],
        durationMs: 1,
      });
    return c;
  }

  it('approves a clear pass and announces it (webhook, activation and evidence outbox rows)', async () => {
    const h = harness();
    const c = await analysed(h);
    expect((await handleDecide(h.deps, run(c.id))).status).toBe('ok');
    expect(h.cases.cases.get(c.id)!.status).toBe('approved');
    expect(h.cases.outbox.map((o) => o.topic).sort()).toEqual(['activation', 'evidence', 'webhook']);
    expect((await h.cases.getStageResult(c.id, 1, 'decide'))?.result).toMatchObject({
      outcome: 'approve',
      status: 'approved',
    });
    expect(h.expiries).toEqual([]);
  });

  it('a failed analysis is PROCESSING_FAILED: review, with the expiry scheduled at the deadline', async () => {
    const h = harness();
    const c = await analysed(h, ['face']);
    await handleDecide(h.deps, run(c.id));
    expectInReviewProcessingFailed(h, c.id);
  });

  it('a decide that fails for good sends the case to review (nothing else would)', async () => {
    const h = harness();
    const c = await analysed(h);
    const broken: HandlerDeps = {
      ...h.deps,
      cases: { ...h.cases, listStageResults: () => Promise.reject(new Error('database unreachable')) },
    };
    await expect(handleDecide(broken, run(c.id, { lastAttempt: true }))).rejects.toBeInstanceOf(
      UnrecoverableError,
    );
    expectInReviewProcessingFailed(h, c.id);
  });
});
