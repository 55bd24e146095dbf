// Pure helpers of the case page (issue #20 items 2 and 5): the similarity is shown with enough digits, truncated,
// so that it reads on the same side of each threshold as the policy's comparison; the approve button follows the
// four-eyes rule the server applies.
import { describe, expect, it } from 'vitest';
import { approvalBlock, floorTo, scoreDigits } from '../../reviewer-ui/src/domains/case-rules.js';
import { needsRendition } from '../../service/media/rendition.js';

const side = (x: number, th: number) => (x >= th ? 'above' : 'below');

describe('similarity display', () => {
  it('shows 0.9153 as 0.9153 next to 0.92 (it was "0.92 — between 0.25 and 0.92")', () => {
    const d = scoreDigits([0.92, 0.25]);
    expect(d).toBe(4);
    expect(floorTo(0.9153, d).toFixed(d)).toBe('0.9153');
    expect(floorTo(0.91999, d).toFixed(d)).toBe('0.9199');
    expect(floorTo(0.92, d).toFixed(d)).toBe('0.9200');
  });

  it('never puts the shown number on the other side of a threshold', () => {
    const wrong: string[] = [];
    for (const th of [0.92, 0.25, 0.5, 0.6789, 0.12345]) {
      const d = scoreDigits([th]);
      for (let i = 0; i <= 20000; i++) {
        const x = i / 20000 + (i % 7) * 1e-6;
        if (side(floorTo(x, d), th) !== side(x, th)) wrong.push(`${x} vs ${th}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('four-eyes approve state', () => {
  const stage2 = { fourEyes: { stage: 'second_approval' as const, firstApproverId: 'alice' } };
  const c = (f: typeof stage2.fourEyes | { stage: 'first_approval'; firstApproverId: null }) => ({
    fourEyes: { required: true, firstApprovedAt: null, ...f },
  });
  it('blocks the first approver and plain reviewers at step 2, not a supervisor', () => {
    expect(approvalBlock(c(stage2.fourEyes), { id: 'alice', supervisor: true })).toBe('own_first_approval');
    expect(approvalBlock(c(stage2.fourEyes), { id: 'bob', supervisor: false })).toBe('supervisor_required');
    expect(approvalBlock(c(stage2.fourEyes), { id: 'sue', supervisor: true })).toBeNull();
    expect(
      approvalBlock(c({ stage: 'first_approval', firstApproverId: null }), { id: 'bob', supervisor: false }),
    ).toBeNull();
  });
});

describe('reviewer rendition need', () => {
  const v = (codec: string) => ({
    codec,
    width: 1,
    height: 1,
    displayWidth: 1,
    displayHeight: 1,
    fps: 30,
    rotation: 0 as const,
  });
  const a = (codec: string) => ({ codec, sampleRate: 48000, channels: 1 });
  it('is needed for HEVC, AV1 or an odd audio codec, not for H.264/AAC MP4 or VP8/VP9 WebM', () => {
    expect(needsRendition({ container: 'mp4', video: v('hevc'), audio: a('aac') })).toBe(true);
    expect(needsRendition({ container: 'mp4', video: v('av1'), audio: a('aac') })).toBe(true);
    expect(needsRendition({ container: 'mp4', video: v('h264'), audio: a('pcm_s16le') })).toBe(true);
    expect(needsRendition({ container: 'mp4', video: v('h264'), audio: a('aac') })).toBe(false);
    expect(needsRendition({ container: 'webm', video: v('vp8'), audio: a('opus') })).toBe(false);
    expect(needsRendition({ container: 'webm', video: v('vp9'), audio: a('vorbis') })).toBe(false);
  });
});
