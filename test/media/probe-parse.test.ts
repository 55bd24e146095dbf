// Pure parts of the media layer: ffprobe interpretation, rotation, sampling plans, validation order.
import { describe, expect, it } from 'vitest';
import {
  fitSize,
  parseProbe,
  planFrames,
  rotationOf,
  selfieVideoProblems,
  type MediaProbe,
} from '../../service/media/index.js';
import { selectExpression } from '../../service/media/frame-plan.js';
import type { FfprobeJson } from '../../service/media/probe-parse.js';

function packets(stream: number, fps: number, until: number) {
  const out = [];
  for (let k = 0; (k + 1) / fps <= until + 1e-9; k++)
    out.push({ stream_index: stream, pts_time: (k / fps).toFixed(6), duration_time: (1 / fps).toFixed(6) });
  return out;
}

const base: FfprobeJson = {
  format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '10.000000', start_time: '0.000000' },
  streams: [
    {
      index: 0,
      codec_type: 'video',
      codec_name: 'h264',
      width: 1920,
      height: 1080,
      avg_frame_rate: '30000/1001',
    },
    { index: 1, codec_type: 'audio', codec_name: 'aac', sample_rate: '48000', channels: 2 },
  ],
  packets: [...packets(0, 30, 10), ...packets(1, 50, 10)],
};

describe('parseProbe', () => {
  it('reads a phone MP4', () => {
    const p = parseProbe(base, 1234) as MediaProbe;
    expect(p).toMatchObject({ container: 'mp4', durationSec: 10, declaredDurationSec: 10, sizeBytes: 1234 });
    expect(p.video).toEqual({
      codec: 'h264',
      width: 1920,
      height: 1080,
      displayWidth: 1920,
      displayHeight: 1080,
      fps: 29.97,
      rotation: 0,
    });
    expect(p.audio).toEqual({ codec: 'aac', sampleRate: 48000, channels: 2 });
  });

  it('flags packets ending well before the declared duration as truncation', () => {
    const cut = { ...base, packets: [...packets(0, 30, 6), ...packets(1, 50, 6)] };
    expect(parseProbe(cut, 1)).toMatchObject({ kind: 'corrupt' });
  });

  it('measures a file without declared duration', () => {
    const webm: FfprobeJson = { ...base, format: { format_name: 'matroska,webm', start_time: '-0.007000' } };
    const p = parseProbe(webm, 1) as MediaProbe;
    expect(p.container).toBe('webm');
    expect(p.durationSec).toBeCloseTo(10, 2);
    expect(p.declaredDurationSec).toBeUndefined();
  });

  it('ignores cover art, refuses other containers and packet-less files', () => {
    const m4a: FfprobeJson = {
      ...base,
      streams: [
        {
          index: 0,
          codec_type: 'video',
          codec_name: 'mjpeg',
          width: 500,
          height: 500,
          disposition: { attached_pic: 1 },
        },
        base.streams![1]!,
      ],
    };
    expect((parseProbe(m4a, 1) as MediaProbe).video).toBeUndefined();
    expect(parseProbe({ ...base, format: { format_name: 'avi' } }, 1)).toMatchObject({
      kind: 'unsupported_format',
    });
    expect(parseProbe({ ...base, packets: [] }, 1)).toMatchObject({ kind: 'corrupt' });
  });
});

describe('rotationOf', () => {
  it('turns the display matrix (counter-clockwise) and the legacy tag (clockwise) into clockwise degrees', () => {
    expect(rotationOf({ side_data_list: [{ side_data_type: 'Display Matrix', rotation: -90 }] })).toBe(90);
    expect(rotationOf({ side_data_list: [{ side_data_type: 'Display Matrix', rotation: 90 }] })).toBe(270);
    expect(rotationOf({ side_data_list: [{ side_data_type: 'Display Matrix', rotation: 180 }] })).toBe(180);
    expect(rotationOf({ side_data_list: [{ side_data_type: 'Display Matrix', rotation: -180 }] })).toBe(180);
    expect(rotationOf({ tags: { rotate: '90' } })).toBe(90);
    expect(rotationOf({ tags: {} })).toBe(0);
  });

  it('swaps display dimensions for quarter turns', () => {
    const rotated: FfprobeJson = {
      ...base,
      streams: [{ ...base.streams![0]!, side_data_list: [{ rotation: -90 }] }, base.streams![1]!],
    };
    expect((parseProbe(rotated, 1) as MediaProbe).video).toMatchObject({
      rotation: 90,
      displayWidth: 1080,
      displayHeight: 1920,
    });
  });
});

describe('frame planning', () => {
  it('places N frames at the centres of equal slices', () => {
    expect(planFrames(10, { count: 16 }, 300)).toEqual({
      firstSec: 0.3125,
      intervalSec: 0.625,
      maxFrames: 16,
    });
    expect(() => planFrames(10, { count: 0 }, 300)).toThrow(RangeError);
  });

  it('samples at a rate from the start, bounded', () => {
    expect(planFrames(4, { fps: 2 }, 300)).toEqual({ firstSec: 0, intervalSec: 0.5, maxFrames: 8 });
    expect(planFrames(100, { fps: 30 }, 300).maxFrames).toBe(300);
  });

  it('fits the long side without upscaling', () => {
    expect(fitSize(1280, 720, 640)).toEqual({ width: 640, height: 360 });
    expect(fitSize(1080, 1920, 640)).toEqual({ width: 360, height: 640 });
    expect(fitSize(320, 240, 640)).toEqual({ width: 320, height: 240 });
  });

  it('builds a select expression with escaped commas', () => {
    expect(selectExpression({ firstSec: 0.25, intervalSec: 0.5, maxFrames: 8 })).toBe(
      'if(gte(t+0.001\\,0.250000+ld(0))\\,st(0\\,0.500000*(floor((t+0.001-0.250000)/0.500000)+1)))',
    );
  });
});

describe('selfieVideoProblems', () => {
  it('lists every problem, most fundamental first', () => {
    const p: MediaProbe = { container: 'mp4', durationSec: 45, sizeBytes: 200e6 };
    expect(selfieVideoProblems(p).map((e) => e.code)).toEqual([
      'too_large',
      'no_video_stream',
      'no_audio_stream',
      'too_long',
    ]);
  });
});
