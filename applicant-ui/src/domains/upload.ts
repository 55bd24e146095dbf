// Uploads with progress (XMLHttpRequest: fetch has no upload progress). Multipart field "file", as the API
// expects; the server checks size and type from the bytes.
import { ApiError, authHeader, toApiError } from './http';

export type UploadName = 'front' | 'back' | 'video';

export function uploadMedia(
  name: UploadName,
  blob: Blob,
  filename: string,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<{ kind: string; mime: string; sizeBytes: number }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', `/v1/applicant/media/${name}`);
    for (const [k, v] of Object.entries(authHeader())) xhr.setRequestHeader(k, v);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status === 201) {
        onProgress(1);
        resolve(xhr.response as { kind: string; mime: string; sizeBytes: number });
      } else reject(toApiError(xhr.status, xhr.response));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'network'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'aborted'));
    signal?.addEventListener('abort', () => xhr.abort());
    const form = new FormData();
    form.append('file', blob, filename);
    xhr.send(form);
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
