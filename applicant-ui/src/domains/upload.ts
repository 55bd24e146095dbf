// Uploads over the tus protocol (tus-js-client): the file goes in chunks, and after a network drop the client
// asks the server how much it holds (HEAD) and sends only the rest, with growing pauses between tries. The
// server checks size and type from the bytes, as for the multipart PUT that API users keep.
import type { DetailedError, Upload as TusUpload } from 'tus-js-client';
import { ApiError, authHeader, toApiError } from './http';

export type UploadName = 'front' | 'back' | 'video';

/** Small enough that a drop costs little on a phone network, large enough to keep round trips few. */
const CHUNK_BYTES = 512 * 1024;
/** Pauses before the automatic tries after a drop (ms); the count restarts whenever bytes get through. */
const RETRY_DELAYS = [0, 1000, 3000, 5000, 10000];

// The upload URL of each blob, so that "try again" after the automatic tries resumes where the server stopped.
const urls = new WeakMap<Blob, string>();

function apiErrorOf(e: Error | DetailedError): ApiError {
  const res = (e as DetailedError).originalResponse;
  if (!res) return new ApiError(0, 'network', 'network');
  let json: unknown = null;
  try {
    json = JSON.parse(res.getBody());
  } catch {
    // Not ours (a proxy's page): the status alone.
  }
  return toApiError(res.getStatus(), json);
}

// Loaded with the first upload, not with the app: the welcome screens stay light on a slow network.
let tus: Promise<typeof import('tus-js-client')> | undefined;

export async function uploadMedia(
  name: UploadName,
  blob: Blob,
  onProgress: (fraction: number) => void,
  opts: { signal?: AbortSignal; onRetrying?: () => void } = {},
): Promise<{ kind: string; mime: string; sizeBytes: number }> {
  let Upload: typeof TusUpload;
  try {
    ({ Upload } = await (tus ??= import('tus-js-client')));
  } catch {
    tus = undefined;
    throw new ApiError(0, 'network', 'network');
  }
  return new Promise((resolve, reject) => {
    const previous = urls.get(blob);
    const up: TusUpload = new Upload(blob, {
      endpoint: '/v1/applicant/uploads',
      ...(previous ? { uploadUrl: previous } : {}),
      headers: authHeader(),
      metadata: { kind: name },
      chunkSize: CHUNK_BYTES,
      retryDelays: RETRY_DELAYS,
      // The blob lives in this page only: nothing to resume after a reload, nothing kept in localStorage.
      storeFingerprintForResuming: false,
      onUploadUrlAvailable: () => {
        if (up.url) urls.set(blob, up.url);
      },
      onProgress: (sent, total) => onProgress(total ? sent / total : 0),
      onShouldRetry: (err) => {
        const status = err.originalResponse?.getStatus() ?? 0;
        // Refusals (type, size, state) are final; drops, 5xx, 409 (offset) and 423 (locked) are retried.
        const retry = !(status >= 400 && status < 500) || status === 409 || status === 423;
        if (retry) opts.onRetrying?.();
        return retry;
      },
      onSuccess: ({ lastResponse }) => {
        urls.delete(blob);
        onProgress(1);
        try {
          resolve(JSON.parse(lastResponse.getBody()) as { kind: string; mime: string; sizeBytes: number });
        } catch {
          resolve({ kind: name, mime: blob.type, sizeBytes: blob.size });
        }
      },
      onError: (e) => reject(apiErrorOf(e)),
    });
    opts.signal?.addEventListener('abort', () => {
      // Stop sending but keep the server's bytes: a later try resumes.
      void up.abort(false);
      reject(new ApiError(0, 'aborted', 'aborted'));
    });
    up.start();
  });
}

/** How the medium was captured, for reviewers (no personal data). Best effort: a failure is ignored. */
export async function sendCaptureFacts(name: UploadName, facts: Record<string, unknown>): Promise<void> {
  await fetch(`/v1/applicant/media/${name}/capture`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...authHeader() },
    body: JSON.stringify(facts),
  }).catch(() => undefined);
}
