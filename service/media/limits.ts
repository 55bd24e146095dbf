// Limits applied to uploaded media. Defaults suit a 3–30 s selfie video from a phone or a browser and document
// photos from a phone camera; the service may override them from configuration.

export interface VideoLimits {
  /** Minimum duration in seconds. Default 3. */
  minDurationSec: number;
  /** Maximum duration in seconds. Default 30. */
  maxDurationSec: number;
  /** Maximum file size in bytes. Default 100 MiB (30 s of 1080p phone video is ~60 MB). */
  maxBytes: number;
  /** Maximum decoded pixels per frame (after rotation it is the same count). Default 4096×2304 (covers 4K UHD). */
  maxPixels: number;
  /** Whether an audio stream is required (the spoken digits). Default true. */
  requireAudio: boolean;
}

export interface ImageLimits {
  /** Maximum width × height declared by the image header. Default 50 MP (large phone sensors). */
  maxPixels: number;
  /** Maximum file size in bytes. Default 20 MiB. */
  maxBytes: number;
}

export const DEFAULT_VIDEO_LIMITS: Readonly<VideoLimits> = Object.freeze({
  minDurationSec: 3,
  maxDurationSec: 30,
  maxBytes: 100 * 1024 * 1024,
  maxPixels: 4096 * 2304,
  requireAudio: true,
});

export const DEFAULT_IMAGE_LIMITS: Readonly<ImageLimits> = Object.freeze({
  maxPixels: 50_000_000,
  maxBytes: 20 * 1024 * 1024,
});

/** Time budget of one ffmpeg/ffprobe run before it is killed. */
export const DEFAULT_TIMEOUT_MS = 60_000;
