// The slot rules shared by both upload routes (the multipart PUT and the resumable tus upload): which slots
// exist, when a case takes uploads, the content check of a stored object, and its attachment to the slot
// (one object per slot, race safe).
import type { Request } from 'express';
import type { Db } from '../../db/index.js';
import { expireStaleCases, getCase, replaceMedia, type CaseRow } from '../../cases/index.js';
import type { MediaStore } from '../../storage/index.js';
import { withDecrypted } from '../../storage/index.js';
import { decodeImage, probe, selfieVideoProblems } from '../../media/index.js';
import { HttpError, conflict } from '../errors.js';
import type { ApplicantRequest } from './auth.js';
import type { UploadKind, UploadResult } from './upload.js';

export const UPLOAD_KINDS = { front: 'image', back: 'image', video: 'video' } as const satisfies Record<
  string,
  UploadKind
>;
export type UploadName = keyof typeof UPLOAD_KINDS;

export function isUploadName(s: string): s is UploadName {
  return Object.hasOwn(UPLOAD_KINDS, s);
}

/** The byte cap of a slot (config MAX_UPLOAD_MB_IMAGE / MAX_UPLOAD_MB_VIDEO). */
export function maxBytesOf(
  kind: UploadKind,
  c: { MAX_UPLOAD_MB_IMAGE: number; MAX_UPLOAD_MB_VIDEO: number },
): number {
  return (kind === 'image' ? c.MAX_UPLOAD_MB_IMAGE : c.MAX_UPLOAD_MB_VIDEO) * 1048576;
}

/** The applicant's case, expired on access when its link lapsed. */
export async function currentCase(db: Db, req: Request): Promise<CaseRow> {
  let c = (req as ApplicantRequest).case;
  if (
    (c.status === 'created' || c.status === 'resubmission_requested') &&
    c.expiresAt.getTime() <= Date.now()
  ) {
    await expireStaleCases(db, new Date());
    c = (await getCase(db, c.id))!;
  }
  return c;
}

export function assertUploadable(c: CaseRow): void {
  if (c.status === 'expired')
    throw new HttpError(410, 'verification_expired', 'This verification has expired; please start again');
  if (c.status !== 'created' && c.status !== 'resubmission_requested')
    throw conflict('already_submitted', 'This verification has already been submitted');
}

/**
 * The bytes decode as what they claim to be (refuses truncated or damaged files). Returns a video's probe,
 * kept with the media so that the pipeline does not probe the same bytes again.
 */
export async function validateContent(store: MediaStore, key: string, kind: UploadKind): Promise<unknown> {
  return withDecrypted(store, [{ key, name: kind === 'image' ? 'image' : 'video' }], async (p) => {
    try {
      if (kind === 'image') {
        await decodeImage(p.image!);
        return undefined;
      }
      const info = await probe(p.video!);
      const [problem] = selfieVideoProblems(info, { requireAudio: false, maxBytes: Number.MAX_SAFE_INTEGER });
      if (problem) throw problem;
      return info;
    } catch (e) {
      const code = (e as { code?: string }).code ?? 'corrupt';
      throw new HttpError(
        422,
        'invalid_media',
        `The ${kind} could not be read (${code.replace(/_/g, ' ')})`,
        { reason: code },
      );
    }
  });
}

/**
 * Checks a stored object's content and makes it the slot's media. On any refusal the object is deleted.
 * Parallel uploads serialise on the case row, each replaced object is deleted once, and an upload that finishes
 * after the submit is refused instead of attached.
 */
export async function attachUpload(
  deps: { db: Db; store: MediaStore },
  c: CaseRow,
  name: UploadName,
  up: UploadResult,
): Promise<void> {
  const { db, store } = deps;
  let probed: unknown;
  try {
    probed = await validateContent(store, up.key, UPLOAD_KINDS[name]);
  } catch (e) {
    await store.delete(up.key);
    throw e;
  }
  const saved = await replaceMedia(
    db,
    {
      caseId: c.id,
      attempt: c.attempt,
      kind: name,
      storageKey: up.key,
      mime: up.mime,
      sizeBytes: up.size,
      sha256: up.sha256,
      ...(probed ? { probe: probed } : {}),
    },
    (x) => x.attempt === c.attempt && (x.status === 'created' || x.status === 'resubmission_requested'),
  ).catch(async (e: unknown) => {
    await store.delete(up.key);
    throw e;
  });
  if (saved === 'refused') {
    await store.delete(up.key);
    throw conflict('already_submitted', 'This verification has already been submitted');
  }
  if (saved.replaced) await store.delete(saved.replaced);
}
