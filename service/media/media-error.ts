// The one error type of the media layer. Its `code` is a closed union so that callers (upload API, pipeline
// ingest, decision policy) can map every refusal to a reason or an HTTP status without parsing messages.

export type MediaErrorCode =
  /** Not an audio/video/image file at all (empty, text, random bytes). */
  | 'not_media'
  /** Looks like a supported container but cannot be read or decoded (truncated, damaged). */
  | 'corrupt'
  | 'no_video_stream'
  | 'no_audio_stream'
  /** Shorter than the minimum duration. */
  | 'too_short'
  /** Longer than the maximum duration. */
  | 'too_long'
  /** More bytes than allowed. */
  | 'too_large'
  /** Declared dimensions above the pixel cap (decompression bomb, absurd video size). */
  | 'too_many_pixels'
  /** A real media file of a kind we do not accept (e.g. GIF, TIFF, AVI). */
  | 'unsupported_format'
  /** ffmpeg did not finish within its time budget (killed). */
  | 'timeout'
  /**
   * The decoder process or its pipe failed for a reason other than the bytes (killed by a signal it was not sent
   * by us, e.g. the OOM killer; "Output stream closed"; spawn failed): a retry may succeed.
   */
  | 'interrupted';

export const MEDIA_ERROR_CODES: readonly MediaErrorCode[] = [
  'not_media',
  'corrupt',
  'no_video_stream',
  'no_audio_stream',
  'too_short',
  'too_long',
  'too_large',
  'too_many_pixels',
  'unsupported_format',
  'timeout',
  'interrupted',
];

/**
 * A refusal of a media input. These are facts about the input: retrying the same bytes gives the same result
 * (except `timeout` and `interrupted`, which may succeed on a less loaded machine), so queue handlers should not retry them.
 * Messages never contain file names or content, only technical facts (codec names, sizes, durations).
 */
export class MediaError extends Error {
  override readonly name = 'MediaError';
  readonly code: MediaErrorCode;
  /** Measured value and limit when the refusal is a limit (duration in s, bytes, pixels). */
  readonly detail?: { value?: number; limit?: number };

  constructor(
    code: MediaErrorCode,
    message: string,
    detail?: { value?: number; limit?: number },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    if (detail) this.detail = detail;
  }

  /** True when retrying the same input could succeed. */
  get retryable(): boolean {
    return this.code === 'timeout' || this.code === 'interrupted';
  }
}

export function isMediaError(e: unknown, code?: MediaErrorCode): e is MediaError {
  return e instanceof MediaError && (code === undefined || e.code === code);
}
