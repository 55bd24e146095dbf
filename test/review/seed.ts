// Test data for the review area: cases put directly in review, with media encrypted by the storage module and
// the stage results the real pipeline stages produce (the in-process verifier run once per test process on a
// generated case: document, face and speech engines). Playback video: a real WebM made by ffmpeg.
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import type { Db } from '../../service/db/index.js';
import type { MediaStore } from '../../service/storage/index.js';
import { createReviewer, type Role } from '../../service/auth/account-repository.js';
import { putStageResult } from '../../service/cases/index.js';
import { createLocalVerifier, type LocalResult } from '../../service/pipeline/in-process.js';
import { tempDir, testConfig } from '../helpers/env.js';
import { fixtureCase, type FixtureCase } from '../helpers/fixtures.js';

export const FACE_JPG = join(process.cwd(), 'node_modules/@vladmandic/face-api/demo/sample1.jpg');
export const FACE2_JPG = join(process.cwd(), 'node_modules/@vladmandic/face-api/demo/sample2.jpg');

let videoPath: string | undefined;

/** A 4-second 480-px WebM (VP8 + Opus, a keyframe every 10 frames so seeking is exact), built once per run. */
export function testVideo(): string {
  if (videoPath && existsSync(videoPath)) return videoPath;
  const dir = tempDir('idv-review-video-');
  const still = join(dir, 'still.png');
  const out = join(dir, 'selfie.webm');
  // Scale the photo once: decoding the full-size JPEG for every frame is what costs time on a busy machine.
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-i',
    FACE_JPG,
    '-vf',
    'scale=480:-2',
    still,
  ]);
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-loop',
    '1',
    '-framerate',
    '15',
    '-i',
    still,
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000',
    '-t',
    '4',
    '-vf',
    'format=yuv420p',
    '-g',
    '10',
    '-c:v',
    'libvpx',
    '-deadline',
    'realtime',
    '-cpu-used',
    '8',
    '-b:v',
    '400k',
    '-c:a',
    'libopus',
    '-shortest',
    out,
  ]);
  videoPath = out;
  return out;
}

export const PASSWORD = 'correct horse battery staple';

export async function makeReviewer(
  db: Db,
  role: Role,
  tag: string = role,
): Promise<{ id: string; email: string; role: Role }> {
  return createReviewer(db, {
    email: `${tag}-${randomUUID().slice(0, 8)}@example.test`,
    role,
    password: PASSWORD,
  });
}

export interface SeedOptions {
  reasons?: string[];
  lang?: 'fr' | 'en';
  /** Deadline; default 2 days ahead. */
  deadline?: Date;
  submittedAt?: Date;
  /** The document type the real engine reads: PASSPORT (a generated passport) or the default ID_CARD. */
  docType?: 'ID_CARD' | 'PASSPORT';
  /** Declared identity fields replacing the generated case's own (another identity for the same face). */
  declared?: Partial<{ lastName: string; firstNames: string; birthDate: string }>;
  /** Store the face stage's own crops (portrait, best live frame, card in video) instead of the sample photo's. */
  realCrops?: boolean;
  /** 'processing': analysed but not decided yet (no decide result, no decision), for the real decide step. */
  status?: 'in_review' | 'processing';
}

interface RealRun {
  fixture: FixtureCase;
  stages: LocalResult['stages'];
  decision: LocalResult['decision'];
  /** The live face descriptor the face stage computed (for the seen-before index). */
  faceDescriptor: number[] | null;
  faceCrops: LocalResult['faceCrops'];
}
const runs = new Map<string, Promise<RealRun>>();

/**
 * The stage results of a generated genuine case, computed by the real stages in-process (the same functions the
 * queue workers run), once per document type and test process. A passport case reuses the ID card's face and
 * speech results (only its document differs).
 */
export function realRun(doc: 'cni2021' | 'passport' = 'cni2021'): Promise<RealRun> {
  let p = runs.get(doc);
  if (!p) {
    p = (async () => {
      const fixture = await fixtureCase({ seed: 1, doc, formats: ['webm'] });
      const files = {
        front: fixture.front,
        ...(fixture.back ? { back: fixture.back } : {}),
        video: fixture.webm!,
      };
      const verifier = createLocalVerifier(testConfig({ FACE_WORKERS: '1' }));
      try {
        if (doc !== 'cni2021') {
          const base = await realRun('cni2021');
          const r = await verifier.verify({ files, digits: fixture.truth.digits, lang: fixture.truth.lang });
          return {
            fixture,
            stages: { ...base.stages, document: r.stages.document },
            decision: r.decision,
            faceDescriptor: base.faceDescriptor,
            faceCrops: base.faceCrops,
          };
        }
        const r = await verifier.verify({ files, digits: fixture.truth.digits, lang: fixture.truth.lang });
        if (!r.stages.document || !r.stages.face || !r.stages.speech)
          throw new Error(`a stage failed on the generated case: ${JSON.stringify(r.errors)}`);
        return {
          fixture,
          stages: r.stages,
          decision: r.decision,
          faceDescriptor: r.faceDescriptor,
          faceCrops: r.faceCrops,
        };
      } finally {
        await verifier.close();
      }
    })();
    p.catch(() => runs.delete(doc)); // a failed run is not kept: the next seed tries again
    runs.set(doc, p);
  }
  return p;
}

/** Inserts a case in review with front photo, video, challenge and real stage results. Returns its id. */
export async function seedCase(db: Db, store: MediaStore, opts: SeedOptions = {}): Promise<string> {
  const real = await realRun(opts.docType === 'PASSPORT' ? 'passport' : 'cni2021');
  const truth = real.fixture.truth;
  const id = randomUUID();
  const reference = `REF-${id.slice(0, 8)}`;
  const submittedAt = opts.submittedAt ?? new Date(Date.now() - 3600_000);
  const deadline = opts.deadline ?? new Date(Date.now() + 2 * 24 * 3600_000);
  const processing = opts.status === 'processing';
  const reasons = processing ? [] : (opts.reasons ?? ['FACE_BORDERLINE']);
  await db.query(
    `INSERT INTO cases (id, reference, status, lang, applicant, attempt, expires_at, submitted_at, review_deadline, reasons)
     VALUES ($1, $2, $9, $3, $4, 1, $5, $6, $7, $8)`,
    [
      id,
      reference,
      opts.lang ?? 'fr',
      JSON.stringify({ ...declaredIdentity(truth), ...opts.declared }),
      new Date(Date.now() + 7 * 24 * 3600_000),
      submittedAt,
      processing ? null : deadline,
      reasons,
      processing ? 'processing' : 'in_review',
    ],
  );
  await db.query(
    `INSERT INTO challenges (id, case_id, attempt, digits, lang, expires_at) VALUES ($1, $2, 1, $3, $4, $5)`,
    [randomUUID(), id, truth.digits, truth.lang, new Date(Date.now() + 3600_000)],
  );
  // Uploads, and the face crops the pipeline stores beside them (media kinds portrait / live_frame / card_frame).
  const crop = (left: number, top: number, width: number, height: number) =>
    sharp(FACE_JPG).extract({ left, top, width, height }).resize({ width: 240 }).jpeg().toBuffer();
  const fc = opts.realCrops ? real.faceCrops : null;
  const media: Array<[string, Buffer | string, string]> = fc
    ? [
        ['front', real.fixture.front, 'image/jpeg'],
        ['video', real.fixture.webm!, 'video/webm'],
        ...(
          [
            ['portrait', fc.portrait],
            ['live_frame', fc.bestFrame],
            ['card_frame', fc.cardFrame],
          ] as const
        ).flatMap(([k, b]): Array<[string, Buffer, string]> => (b ? [[k, b, 'image/jpeg']] : [])),
      ]
    : [
        ['front', real.fixture.front, 'image/jpeg'],
        ['video', testVideo(), 'video/webm'],
        ['portrait', await crop(1400, 100, 360, 440), 'image/jpeg'],
        ['live_frame', await crop(1380, 80, 400, 480), 'image/jpeg'],
      ];
  for (const [kind, src, mime] of media) {
    const o = await store.put(typeof src === 'string' ? createReadStream(src) : Readable.from([src]), {
      caseId: id,
    });
    await db.query(
      `INSERT INTO media (id, case_id, attempt, kind, storage_key, mime, size_bytes, sha256) VALUES ($1, $2, 1, $3, $4, $5, $6, $7)`,
      [randomUUID(), id, kind, o.key, mime, o.size, o.sha256],
    );
  }
  // The real stages' results, stored as the pipeline stores them; the case's reasons are the seed's own.
  for (const stage of ['document', 'face', 'speech'] as const) {
    const result = real.stages[stage];
    if (!result) throw new Error(`the ${stage} stage failed on the generated case`);
    await putStageResult(db, { caseId: id, attempt: 1, stage, status: 'ok', result, durationMs: 100 });
  }
  if (processing) return id;
  await putStageResult(db, {
    caseId: id,
    attempt: 1,
    stage: 'decide',
    status: 'ok',
    result: { outcome: 'review', reasons, policyVersion: real.decision.policyVersion, status: 'in_review' },
    durationMs: 5,
  });
  await db.query(
    `INSERT INTO decisions (case_id, attempt, source, outcome, reasons, policy_version) VALUES ($1, 1, 'auto', 'review', $2, 'test')`,
    [id, reasons],
  );
  return id;
}

/** The applicant's declaration of a generated case (names and birth date as on the document). */
export function declaredIdentity(truth: FixtureCase['truth']) {
  return {
    lastName: truth.identity.surname,
    firstNames: truth.identity.givenNames.join(' '),
    birthDate: truth.identity.birthDate,
    email: 'applicant@example.test',
    mobile: '+33600000000',
  };
}

export function fileBytes(path: string): Buffer {
  return readFileSync(path);
}
