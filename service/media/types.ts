// Data shapes exchanged between the media layer and the engines.

/** Decoded image: 8-bit RGB, row-major, no padding (data.length === width * height * 3). */
export interface RgbImage {
  width: number;
  height: number;
  data: Buffer;
}

/** One sampled video frame, rotation already applied. */
export interface VideoFrame extends RgbImage {
  /** 0-based index among the sampled frames. */
  index: number;
  /** Presentation time in seconds from the start of the video. */
  timeSec: number;
  /**
   * The same frame at a higher resolution (sampleFrames' `fullMaxSide`), for describing faces from real pixels;
   * absent when not asked for or when the video is no larger than the frame itself.
   */
  full?: RgbImage;
}

/** Mono 16-bit PCM audio. */
export interface PcmAudio {
  sampleRate: number;
  samples: Int16Array;
}
