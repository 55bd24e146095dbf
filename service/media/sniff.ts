// Media type from the bytes (magic numbers), never from a file name or a client-declared Content-Type.
import { open } from 'node:fs/promises';
import { fileTypeFromBuffer } from 'file-type';

export type MediaKind = 'video' | 'image';

export interface SniffResult {
  /** File extension suggested by the bytes, e.g. `mp4`, `webm`, `jpg`. */
  ext: string;
  mime: string;
  /** What the service accepts this as; undefined for a recognised but refused type (GIF, AVI, PDF...). */
  accepted?: MediaKind;
}

/** Containers that can hold a selfie video: ISO BMFF (phones) and Matroska/WebM (browsers). */
export const ACCEPTED_VIDEO_MIME: ReadonlySet<string> = new Set([
  'video/mp4',
  'video/quicktime',
  'video/3gpp',
  'video/3gpp2',
  'video/x-m4v',
  'video/webm',
  'video/matroska',
  'video/x-matroska',
  // The same containers when their brand says audio: accepted so that the video check can say precisely
  // "no video stream" instead of a vague type error.
  'audio/mp4',
  'audio/x-m4a',
  'audio/webm',
]);

/** Still images: camera and phone formats, and BMP, which document readers and scanners still save. */
export const ACCEPTED_IMAGE_MIME: ReadonlySet<string> = new Set([
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/bmp',
]);

/** Head of a file that is enough to recognise every format we accept (Matroska's DocType can sit after a few KB). */
export const SNIFF_BYTES = 64 * 1024;

/** Identify the bytes. Undefined when they match no known file type (text, random bytes, empty). */
export async function sniffMediaType(bytes: Uint8Array): Promise<SniffResult | undefined> {
  if (bytes.length === 0) return undefined;
  const t = await fileTypeFromBuffer(bytes);
  if (!t) return undefined;
  const res: SniffResult = { ext: t.ext, mime: t.mime };
  if (ACCEPTED_VIDEO_MIME.has(t.mime)) res.accepted = 'video';
  else if (ACCEPTED_IMAGE_MIME.has(t.mime)) res.accepted = 'image';
  return res;
}

/** Read the head of a file and identify it. */
export async function sniffFile(path: string): Promise<SniffResult | undefined> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return await sniffMediaType(buf.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}
