// Frame feed: frames handed over one by one while ffmpeg decodes, identical to the batch result.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { feedFrames, MediaError, sampleFrames, type VideoFrame } from '../../service/media/index.js';
import { tempDir } from '../helpers/env.js';
import { generateVideos, truncate, type Generated } from './generate.js';

let dir: string;
let g: Generated;

beforeAll(() => {
  dir = tempDir('idv-feed-');
  g = generateVideos(dir);
}, 90_000);

describe('frame feed', () => {
  it('delivers every frame before decoding ends, the same pixels and times as sampleFrames', async () => {
    const feed = feedFrames(g.colourTimeline, { count: 6, maxSide: 64 });
    const seen: VideoFrame[] = [];
    let doneSeen = false;
    // Subscribing late still replays the frames that already arrived, in order.
    await new Promise((r) => setTimeout(r, 20));
    feed.subscribe((f) => {
      expect(doneSeen).toBe(false);
      seen.push(f);
    });
    const all = await feed.done;
    doneSeen = true;
    const batch = await sampleFrames(g.colourTimeline, { count: 6, maxSide: 64 });
    expect(seen.map((f) => f.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(all).toEqual(seen);
    expect(all.map((f) => f.data)).toEqual(batch.map((f) => f.data));
    // Times come from ffmpeg's showinfo when it has reported them, else from the plan: within one frame (25 fps).
    for (const [i, f] of all.entries())
      expect(Math.abs(f.timeSec - batch[i]!.timeSec)).toBeLessThanOrEqual(0.04);
    // Red in the first two seconds, blue after: the content matches the reported time.
    for (const f of all) {
      const [r, , b] = [f.data[0]!, f.data[1]!, f.data[2]!];
      expect(f.timeSec < 2 ? r > b : b > r).toBe(true);
    }
  });

  it('accepts only one consumer', () => {
    const feed = feedFrames(g.webmVp8, { count: 2, maxSide: 32 });
    feed.subscribe(() => undefined);
    expect(() => feed.subscribe(() => undefined)).toThrow(/one consumer/);
    return feed.done;
  });

  it('rejects `done` with a MediaError when the file is broken', async () => {
    const feed = feedFrames(truncate(g.webmVp8, join(dir, 'cut.webm'), 0.05), { count: 4, maxSide: 32 });
    feed.subscribe(() => undefined);
    await expect(feed.done).rejects.toBeInstanceOf(MediaError);
  });
});
