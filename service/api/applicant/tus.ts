// Resumable uploads (tus protocol, @tus/server) under /v1/applicant/uploads: POST creates an upload for a slot
// (Upload-Metadata `kind` front|back|video, Upload-Length within the slot's cap), PATCH appends, HEAD tells the
// offset to resume from, DELETE abandons. Authorised by the applicant bearer token like every applicant route;
// each upload belongs to the case and attempt that created it. Bytes land in the SealedUploadStore (sealed as they
// arrive); on completion they stream, decrypted in memory only, through the PUT route's type gate into the media
// store, and then follow the same slot rules (content check, one object per slot).
import { Router, type Request, type Response, type NextFunction } from 'express';
import type { IncomingMessage } from 'node:http';
import { Server, type Upload } from '@tus/server';
import { NodeRequest, sendNodeResponse } from 'srvx/node';
import type { Config } from '../../config/index.js';
import type { Db } from '../../db/index.js';
import type { MediaStore } from '../../storage/index.js';
import type { SealedUploadStore } from '../../storage/upload-store.js';
import { HttpError, badRequest, notFound, tooLarge } from '../errors.js';
import type { ApplicantRequest } from './auth.js';
import { gate, type UploadResult } from './upload.js';
import {
  UPLOAD_KINDS,
  assertUploadable,
  attachUpload,
  currentCase,
  isUploadName,
  maxBytesOf,
  type UploadName,
} from './attach.js';

export const TUS_PATH = '/v1/applicant/uploads';
const ID_RE = /^[0-9a-f]{32}$/;

export interface TusDeps {
  config: Config;
  db: Db;
  store: MediaStore;
  uploads: SealedUploadStore;
  applicant: (req: Request, res: Response, next: NextFunction) => unknown;
}

/** A tus hook's refusal: the status and our JSON error body. */
function refusal(e: HttpError): { status_code: number; body: string } {
  return { status_code: e.status, body: JSON.stringify({ error: { code: e.code, message: e.message } }) };
}

/** The Express request behind the web Request tus hands to its hooks (authenticated before tus ran). */
function caseOf(req: unknown): ApplicantRequest['case'] {
  const node = (req as { node?: { req?: IncomingMessage } }).node?.req as ApplicantRequest | undefined;
  if (!node?.case) throw refusal(new HttpError(401, 'unauthorized', 'The applicant link token is required'));
  return node.case;
}

/** Moves a complete upload into the media store (decrypting record by record, never to disk). */
async function complete(deps: TusDeps, upload: Upload, caseId: string): Promise<{ name: UploadName; up: UploadResult }> {
  const name = String(upload.metadata?.kind ?? '');
  if (!isUploadName(name)) throw badRequest('invalid_kind', 'Upload kind must be front, back or video');
  const kind = UPLOAD_KINDS[name];
  let mime = '';
  const src = deps.uploads.read(upload.id);
  // The same type sniffing and byte cap as the multipart PUT.
  const gated = gate(kind, maxBytesOf(kind, deps.config), (m) => (mime = m));
  src.on('error', (e) => gated.destroy(e));
  const obj = await deps.store.put(src.pipe(gated), { caseId });
  return { name, up: { ...obj, mime } };
}

/**
 * Some of tus's refusals (a missing Tus-Resumable, a malformed header) are written as plain text without passing
 * through onResponseError: every error answer leaves here in our JSON shape.
 */
async function asJsonErrors(res: globalThis.Response): Promise<globalThis.Response> {
  if (res.status < 400) return res;
  const text = (await res.text()).trim();
  let body = text;
  if (!text.startsWith('{')) {
    const code = `upload_${text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_|_$/g, '')}`.slice(0, 60);
    body = JSON.stringify({ error: { code, message: text || `HTTP ${res.status}` } });
  }
  const headers = new Headers(res.headers);
  headers.set('Content-Type', 'application/json; charset=utf-8');
  headers.set('Content-Length', String(Buffer.byteLength(body)));
  return new Response(body, { status: res.status, headers });
}

export function createTusRouter(deps: TusDeps): Router {
  const { config, db, uploads } = deps;
  const largest = Math.max(maxBytesOf('image', config), maxBytesOf('video', config));
  const tus = new Server({
    path: TUS_PATH,
    datastore: uploads,
    relativeLocation: true,
    maxSize: largest,
    // Same origin only (the app is served by this service): no cross-origin access.
    allowedOrigins: [config.PUBLIC_URL],
    getFileIdFromRequest: (_req, last) => (last && ID_RE.test(last) ? last : undefined),
    async onUploadCreate(req, upload) {
      const c = caseOf(req);
      const name = String(upload.metadata?.kind ?? '');
      if (!isUploadName(name))
        throw refusal(badRequest('invalid_kind', 'Upload-Metadata "kind" must be front, back or video'));
      const cap = maxBytesOf(UPLOAD_KINDS[name], config);
      if (upload.size === undefined || upload.size > cap)
        throw refusal(tooLarge(`File larger than ${Math.round(cap / 1048576)} MiB`));
      if (upload.size === 0) throw refusal(badRequest('empty_file', 'The file is empty'));
      // Only what the slot rules need: no file name, no client-declared type.
      return { metadata: { kind: name, case: c.id, attempt: String(c.attempt) } };
    },
    async onUploadFinish(req, upload) {
      const c = caseOf(req);
      try {
        const { name, up } = await complete(deps, upload, c.id);
        await attachUpload({ db, store: deps.store }, c, name, up);
        return {
          status_code: 200,
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ kind: name, mime: up.mime, sizeBytes: up.size }),
        };
      } catch (e) {
        if (e instanceof HttpError) throw refusal(e);
        throw e;
      } finally {
        // Complete or refused, the sealed records have served their purpose.
        await uploads.remove(upload.id).catch(() => undefined);
      }
    },
  });

  const r = Router();
  // Before tus: the token, the case's state, and the upload's owner, with our usual JSON errors.
  const guard = async (req: Request, _res: Response, next: NextFunction) => {
    const c = await currentCase(db, req);
    assertUploadable(c);
    (req as ApplicantRequest).case = c;
    const id = req.params.id === undefined ? undefined : String(req.params.id);
    if (id !== undefined) {
      if (!ID_RE.test(id)) throw notFound('No such upload');
      // Metadata only: the records are read (and a torn tail cut) by tus under its upload lock.
      const meta = await uploads.metadataOf(id);
      if (!meta || meta.case !== c.id) throw notFound('No such upload');
      // An upload started for an earlier attempt does not carry over to a resubmission.
      if (meta.attempt !== String(c.attempt))
        throw new HttpError(
          410,
          'upload_expired',
          'This upload belongs to an earlier attempt; start it again',
        );
    }
    next();
  };
  const handle = async (req: Request, res: Response) => {
    // srvx builds the web request from the node one: give it the full path, not the router-relative one.
    req.url = req.originalUrl;
    await sendNodeResponse(res, await asJsonErrors(await tus.handleWeb(new NodeRequest({ req, res }))));
  };
  r.post(TUS_PATH.replace('/v1', ''), deps.applicant, guard, handle);
  r.head(`${TUS_PATH.replace('/v1', '')}/:id`, deps.applicant, guard, handle);
  r.patch(`${TUS_PATH.replace('/v1', '')}/:id`, deps.applicant, guard, handle);
  r.delete(`${TUS_PATH.replace('/v1', '')}/:id`, deps.applicant, guard, handle);
  return r;
}
