// Streaming upload of one file: multipart (busboy) -> type check from the first bytes -> size cap ->
// encrypted store. Nothing is buffered beyond the sniffing window; a refused upload leaves nothing stored.
import busboy from 'busboy';
import type { Request } from 'express';
import { Transform, type TransformCallback } from 'node:stream';
import { sniffMediaType } from '../../media/index.js';
import type { MediaStore, StoredObject } from '../../storage/index.js';
import { HttpError, badRequest, tooLarge, unsupported } from '../errors.js';

export type UploadKind = 'image' | 'video';

/** Bytes looked at to identify the file (file-type needs up to this much for some containers). */
const SNIFF_WINDOW = 64 * 1024;

export interface UploadResult extends StoredObject {
  mime: string;
}

/** Pass-through that identifies the type from the head of the stream and enforces the byte cap. */
export function gate(kind: UploadKind, maxBytes: number, onType: (mime: string) => void): Transform {
  let head: Buffer[] = [];
  let headLen = 0;
  let total = 0;
  let checked = false;
  const check = async (t: Transform): Promise<void> => {
    checked = true;
    const buf = Buffer.concat(head);
    head = [];
    const s = await sniffMediaType(buf);
    if (!s) throw unsupported(`Not a recognised ${kind} file`);
    if (s.accepted !== kind)
      throw unsupported(
        `Files of type ${s.mime} are not accepted here (expected ${kind === 'image' ? 'JPEG, PNG, WebP or BMP' : 'MP4 or WebM'})`,
      );
    onType(s.mime);
    t.push(buf);
  };
  return new Transform({
    transform(chunk: Buffer, _e, cb: TransformCallback) {
      total += chunk.length;
      if (total > maxBytes) return cb(tooLarge(`File larger than ${Math.round(maxBytes / 1048576)} MiB`));
      if (checked) return cb(null, chunk);
      head.push(chunk);
      headLen += chunk.length;
      if (headLen < SNIFF_WINDOW) return cb();
      check(this).then(() => cb(), cb);
    },
    flush(cb: TransformCallback) {
      if (total === 0) return cb(badRequest('empty_file', 'The file is empty'));
      if (checked) return cb();
      check(this).then(() => cb(), cb);
    },
  });
}

/** Reads the single `file` field of a multipart request into the store. */
export function receiveUpload(
  req: Request,
  store: MediaStore,
  kind: UploadKind,
  maxBytes: number,
  caseId: string,
): Promise<UploadResult> {
  const declared = Number(req.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes + 64 * 1024) {
    return Promise.reject(tooLarge(`File larger than ${Math.round(maxBytes / 1048576)} MiB`));
  }
  if (!/^multipart\/form-data/i.test(req.get('content-type') ?? '')) {
    return Promise.reject(
      badRequest('expected_multipart', 'Send the file as multipart/form-data in a field named "file"'),
    );
  }
  return new Promise<UploadResult>((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: { files: 1, fields: 0, fileSize: maxBytes + 1, parts: 2 },
      });
    } catch {
      return reject(badRequest('invalid_multipart', 'Malformed multipart request'));
    }
    let started = false;
    let settled = false;
    let g: Transform | undefined;
    const fail = (e: unknown) => {
      if (settled) return;
      settled = true;
      // The store's pipeline ends only through its source: destroying it closes the file and removes the `.part`
      // (an aborted body otherwise never ends, and the write stream stayed open for good).
      g?.destroy(e instanceof Error ? e : new Error('upload failed'));
      req.unpipe(bb);
      // Read (and drop) the rest of the body so that the client receives the error response.
      req.resume();
      reject(e instanceof HttpError ? e : badRequest('upload_failed', 'The upload could not be read'));
    };
    bb.on('file', (name, file) => {
      if (name !== 'file' || started) {
        file.resume();
        return;
      }
      started = true;
      let mime = '';
      const gated = (g = gate(kind, maxBytes, (m) => (mime = m)));
      store.put(file.pipe(gated), { caseId }).then((obj) => {
        if (settled) return void store.delete(obj.key);
        settled = true;
        resolve({ ...obj, mime });
      }, fail);
      file.on('error', (e) => gated.destroy(e));
    });
    bb.on('error', fail);
    bb.on('close', () => {
      if (!started) fail(badRequest('missing_file', 'No file in the request (field name "file")'));
    });
    const aborted = () => fail(badRequest('upload_aborted', 'The upload was interrupted'));
    req.on('aborted', aborted);
    // A connection closed before the body ended (Node 20 also emits 'close' where 'aborted' is deprecated).
    req.on('close', () => {
      if (!req.complete) aborted();
    });
    req.pipe(bb);
  });
}
