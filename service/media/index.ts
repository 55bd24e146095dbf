// Media layer: probe, validate, sample frames, extract audio, decode still images. Engine code: no app imports.
// Typical use (pipeline ingest):
//   const p = await probe(path);                       // MediaError: not_media | unsupported_format | corrupt
//   assertSelfieVideo(p, { maxBytes });                 // no_video_stream | no_audio_stream | too_short | ...
//   const [frames, audio] = await Promise.all([
//     sampleFrames(path, { count: 16, maxSide: 640, probe: p }),   // RGB24, rotated, with true timestamps
//     extractAudio(path, { probe: p }),                           // 16 kHz mono Int16
//   ]);
// Document photos: decodeImage(bufferOrPath, { maxPixels, maxSide }). Upload type checks: sniffMediaType(bytes).
export * from './types.js';
export { MediaError, isMediaError, MEDIA_ERROR_CODES, type MediaErrorCode } from './media-error.js';
export {
  DEFAULT_IMAGE_LIMITS,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_VIDEO_LIMITS,
  type ImageLimits,
  type VideoLimits,
} from './limits.js';
export { probe, type ProbeOptions } from './probe.js';
export {
  parseProbe,
  rotationOf,
  type AudioStreamInfo,
  type MediaProbe,
  type VideoStreamInfo,
} from './probe-parse.js';
export { assertSelfieVideo, selfieVideoProblems } from './selfie-video.js';
export { sampleFrames, type SampleFramesOptions } from './frames.js';
export { feedFrames, isFrameFeed, type FrameFeed } from './frame-feed.js';
export { fitSize, planFrames, type FramePlan, type FrameSampling } from './frame-plan.js';
export { extractAudio, SPEECH_SAMPLE_RATE, type ExtractAudioOptions } from './audio.js';
export { decodeImage, encodeJpeg, encodePng, type DecodeImageOptions } from './image.js';
export {
  ACCEPTED_IMAGE_MIME,
  ACCEPTED_VIDEO_MIME,
  sniffFile,
  sniffMediaType,
  type MediaKind,
  type SniffResult,
} from './sniff.js';
export { makeRendition, needsRendition, RENDITION_MIME } from './rendition.js';
