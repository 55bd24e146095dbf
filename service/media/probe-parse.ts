// Pure interpretation of ffprobe's JSON: what the rest of the service needs to know about a media file.
// Kept apart from the process call so it can be unit-tested on recorded outputs.

/** What `probe()` reports about an audio/video file. */
export interface MediaProbe {
  /** Container family: `mp4` (ISO BMFF / QuickTime) or `webm` (Matroska/WebM). */
  container: 'mp4' | 'webm';
  /** Playable duration in seconds, measured from the packets (the header can lie or be absent). */
  durationSec: number;
  /** Duration the container header declares, when it declares one. */
  declaredDurationSec?: number;
  sizeBytes: number;
  video?: VideoStreamInfo;
  audio?: AudioStreamInfo;
}

export interface VideoStreamInfo {
  codec: string;
  /** Coded size, before rotation. */
  width: number;
  height: number;
  /** Size as displayed, after rotation (what `sampleFrames` delivers before downscaling). */
  displayWidth: number;
  displayHeight: number;
  /** Average frame rate (frames per second); 0 when unknown. */
  fps: number;
  /** Clockwise rotation the player applies for display: 0, 90, 180 or 270. */
  rotation: 0 | 90 | 180 | 270;
}

export interface AudioStreamInfo {
  codec: string;
  sampleRate: number;
  channels: number;
}

/** Subset of `ffprobe -of json -show_format -show_streams -show_entries packet=...` that we read. */
export interface FfprobeJson {
  format?: { format_name?: string; duration?: string; start_time?: string };
  streams?: FfprobeStream[];
  packets?: { stream_index?: number; pts_time?: string; dts_time?: string; duration_time?: string }[];
}

export interface FfprobeStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  sample_rate?: string;
  channels?: number;
  disposition?: { attached_pic?: number };
  tags?: Record<string, string>;
  side_data_list?: { side_data_type?: string; rotation?: number }[];
}

/** Why a parsed file is not usable; the caller turns it into a MediaError. */
export type ProbeProblem =
  { kind: 'unsupported_format'; message: string } | { kind: 'corrupt'; message: string };

/**
 * Tolerance between the declared and the measured duration before a file counts as truncated:
 * packets usually end within one frame of the header's duration.
 */
const TRUNCATION_TOLERANCE_SEC = 0.5;
const TRUNCATION_TOLERANCE_RATIO = 0.05;

export function parseProbe(json: FfprobeJson, sizeBytes: number): MediaProbe | ProbeProblem {
  const container = containerOf(json.format?.format_name ?? '');
  if (!container)
    return {
      kind: 'unsupported_format',
      message: `container ${json.format?.format_name ?? 'unknown'} not accepted`,
    };

  const streams = json.streams ?? [];
  // Cover art in an audio file is a "video" stream with attached_pic: it is not a video.
  const v = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  const a = streams.find((s) => s.codec_type === 'audio');

  const video = v ? videoInfo(v) : undefined;
  if (video && (video.width <= 0 || video.height <= 0))
    return { kind: 'corrupt', message: 'video stream has no frame size' };
  const audio = a ? audioInfo(a) : undefined;

  const wanted = new Set([v?.index, a?.index].filter((i): i is number => i !== undefined));
  const measured = measuredSpan(json.packets ?? [], wanted);
  const declared = positive(num(json.format?.duration));
  if (measured === undefined) return { kind: 'corrupt', message: 'no readable audio or video packets' };

  const durationSec = measured.end - Math.max(0, Math.min(measured.start, num(json.format?.start_time) ?? 0));
  if (
    declared !== undefined &&
    durationSec < declared - Math.max(TRUNCATION_TOLERANCE_SEC, declared * TRUNCATION_TOLERANCE_RATIO)
  ) {
    return {
      kind: 'corrupt',
      message: `truncated: packets end at ${durationSec.toFixed(2)} s of ${declared.toFixed(2)} s declared`,
    };
  }

  const probe: MediaProbe = { container, durationSec: round3(durationSec), sizeBytes };
  if (declared !== undefined) probe.declaredDurationSec = round3(declared);
  if (video) probe.video = video;
  if (audio) probe.audio = audio;
  return probe;
}

export function isProbeProblem(p: MediaProbe | ProbeProblem): p is ProbeProblem {
  return 'kind' in p;
}

function containerOf(formatName: string): MediaProbe['container'] | undefined {
  const names = formatName.split(',');
  if (names.includes('mov') || names.includes('mp4')) return 'mp4';
  if (names.includes('matroska') || names.includes('webm')) return 'webm';
  return undefined;
}

function videoInfo(s: FfprobeStream): VideoStreamInfo {
  const width = s.width ?? 0;
  const height = s.height ?? 0;
  const rotation = rotationOf(s);
  const swap = rotation === 90 || rotation === 270;
  return {
    codec: s.codec_name ?? 'unknown',
    width,
    height,
    displayWidth: swap ? height : width,
    displayHeight: swap ? width : height,
    fps: round3(rate(s.avg_frame_rate) ?? rate(s.r_frame_rate) ?? 0),
    rotation,
  };
}

function audioInfo(s: FfprobeStream): AudioStreamInfo {
  return {
    codec: s.codec_name ?? 'unknown',
    sampleRate: Number(s.sample_rate ?? 0) || 0,
    channels: s.channels ?? 0,
  };
}

/**
 * Clockwise display rotation. The display matrix (what ffmpeg's autorotate obeys) reports a counter-clockwise
 * angle, so a phone held upright (`rotation: -90`) means 90° clockwise. The legacy `rotate` tag is clockwise.
 */
export function rotationOf(s: Pick<FfprobeStream, 'side_data_list' | 'tags'>): VideoStreamInfo['rotation'] {
  const matrix = s.side_data_list?.find((d) => typeof d.rotation === 'number');
  let cw: number | undefined;
  if (matrix?.rotation !== undefined) cw = -matrix.rotation;
  else if (s.tags?.rotate !== undefined && Number.isFinite(Number(s.tags.rotate))) cw = Number(s.tags.rotate);
  if (cw === undefined) return 0;
  const q = (((Math.round(cw / 90) * 90) % 360) + 360) % 360;
  return q as VideoStreamInfo['rotation'];
}

/** First and last instant covered by packets of the chosen streams (seconds, container timeline). */
function measuredSpan(
  packets: NonNullable<FfprobeJson['packets']>,
  streams: Set<number>,
): { start: number; end: number } | undefined {
  let start = Infinity;
  let end = -Infinity;
  for (const p of packets) {
    if (p.stream_index === undefined || !streams.has(p.stream_index)) continue;
    const t = num(p.pts_time) ?? num(p.dts_time);
    if (t === undefined) continue;
    start = Math.min(start, t);
    end = Math.max(end, t + (num(p.duration_time) ?? 0));
  }
  return Number.isFinite(start) && Number.isFinite(end) && end > start ? { start, end } : undefined;
}

function num(s: string | undefined): number | undefined {
  if (s === undefined || s === 'N/A') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

function positive(n: number | undefined): number | undefined {
  return n !== undefined && n > 0 ? n : undefined;
}

function rate(r: string | undefined): number | undefined {
  if (!r) return undefined;
  const [a, b] = r.split('/').map(Number);
  if (!a || !b || !Number.isFinite(a / b)) return undefined;
  return a / b;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
