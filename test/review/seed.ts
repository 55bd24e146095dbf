// Test data for the review area: cases put directly in review through the data layer, with media encrypted
// by the pipeline's storage module (no pipeline run needed). Video: a real WebM made by ffmpeg.
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import type { Db } from '../../service/db/index.js';
import type { MediaStore } from '../../service/storage/index.js';
import { createReviewer, type Role } from '../../service/auth/accounts.js';
import { tempDir } from '../helpers/env.js';

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
  docType?: string;
}

/** Inserts a case in review with front photo, video, challenge and stage results. Returns its id. */
export async function seedCase(db: Db, store: MediaStore, opts: SeedOptions = {}): Promise<string> {
  const id = randomUUID();
  const reference = `REF-${id.slice(0, 8)}`;
  const submittedAt = opts.submittedAt ?? new Date(Date.now() - 3600_000);
  const deadline = opts.deadline ?? new Date(Date.now() + 2 * 24 * 3600_000);
  const reasons = opts.reasons ?? ['FACE_BORDERLINE'];
  await db.query(
    `INSERT INTO cases (id, reference, status, lang, applicant, attempt, expires_at, submitted_at, review_deadline, reasons)
     VALUES ($1, $2, 'in_review', $3, $4, 1, $5, $6, $7, $8)`,
    [
      id,
      reference,
      opts.lang ?? 'fr',
      JSON.stringify({
        lastName: 'MARTIN',
        firstNames: 'Claire Anne',
        birthDate: '1990-04-12',
        email: 'c.martin@example.test',
        mobile: '+33600000000',
      }),
      new Date(Date.now() + 7 * 24 * 3600_000),
      submittedAt,
      deadline,
      reasons,
    ],
  );
  await db.query(
    `INSERT INTO challenges (id, case_id, attempt, digits, lang, expires_at) VALUES ($1, $2, 1, '471', 'fr', $3)`,
    [randomUUID(), id, new Date(Date.now() + 3600_000)],
  );
  // Uploads, and the face crops the pipeline stores beside them (media kinds portrait / live_frame / card_frame).
  const crop = (left: number, top: number, width: number, height: number) =>
    sharp(FACE_JPG).extract({ left, top, width, height }).resize({ width: 240 }).jpeg().toBuffer();
  const media: Array<[string, Buffer | string, string]> = [
    ['front', FACE_JPG, 'image/jpeg'],
    ['video', testVideo(), 'video/webm'],
    ['portrait', await crop(1400, 100, 360, 440), 'image/jpeg'],
    ['live_frame', await crop(1380, 80, 400, 480), 'image/jpeg'],
  ];
  for (const [kind, src, mime] of media) {
    const o = await store.put(typeof src === 'string' ? createReadStream(src) : Readable.from([src]));
    await db.query(
      `INSERT INTO media (id, case_id, attempt, kind, storage_key, mime, size_bytes, sha256) VALUES ($1, $2, 1, $3, $4, $5, $6, $7)`,
      [randomUUID(), id, kind, o.key, mime, o.size, o.sha256],
    );
  }
  // Stage results in the shapes the pipeline writes (service/pipeline/engines/*.ts).
  const docType = opts.docType ?? 'ID';
  const stages: Record<string, unknown> = {
    document: {
      signals: {
        findings: [],
        identity: { lastName: 'MARTIN', firstNames: 'CLAIRE ANNE', birthDate: '1990-04-12' },
      },
      status: 'ok',
      documentType: docType,
      fields: {
        format: 'TD1',
        documentType: docType,
        issuingState: 'FRA',
        documentNumber: 'X4RTBPFW4',
        lastName: 'MARTIN',
        firstNames: 'CLAIRE ANNE',
        birthDate: '1990-04-12',
        sex: 'F',
        expiryDate: '2031-06-30',
        nationality: 'FRA',
      },
      findings: reasons
        .filter((r) => r.startsWith('MRZ') || r.startsWith('DOCUMENT') || r === 'NAME_MISMATCH')
        .map((code) => ({ code })),
    },
    face: {
      signals: {
        similarity: reasons.includes('FACE_MISMATCH') ? 0.12 : 0.55,
        noFace: false,
        faceTooSmall: false,
        multiplePeople: false,
        staticVideo: reasons.includes('STATIC_VIDEO'),
        cardNotSeen: false,
      },
      decision: reasons.includes('FACE_MISMATCH') ? 'mismatch' : 'review',
      bestFrames: [
        { index: 6, timeSec: 0.4, quality: 0.91 },
        { index: 21, timeSec: 1.4, quality: 0.88 },
      ],
      cardInVideo: { found: true, similarity: 0.61, frameIndex: 30 },
      mouthTrack: [],
      framesAnalysed: 40,
    },
    speech: {
      signals: { decision: reasons.includes('DIGITS_MISMATCH') ? 'mismatch' : 'match' },
      confidence: 0.9,
      recognised: reasons.includes('DIGITS_MISMATCH') ? '479' : '471',
      segments: [
        { digit: '4', startSec: 0.8, endSec: 1.1 },
        { digit: '7', startSec: 1.3, endSec: 1.7 },
        { digit: reasons.includes('DIGITS_MISMATCH') ? '9' : '1', startSec: 1.9, endSec: 2.2 },
      ],
    },
    decide: { outcome: 'review', reasons, policyVersion: 'test' },
  };
  for (const [stage, result] of Object.entries(stages)) {
    await db.query(
      `INSERT INTO stage_results (case_id, attempt, stage, status, result, duration_ms) VALUES ($1, 1, $2, 'ok', $3, 100)`,
      [id, stage, JSON.stringify(result)],
    );
  }
  await db.query(
    `INSERT INTO decisions (case_id, attempt, source, outcome, reasons, policy_version) VALUES ($1, 1, 'auto', 'review', $2, 'test')`,
    [id, reasons],
  );
  return id;
}

export function fileBytes(path: string): Buffer {
  return readFileSync(path);
}
