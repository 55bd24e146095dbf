// Decrypted copies of media for tools that need a file (ffmpeg frame extraction for the console's thumbnails):
// decrypted once into a private work file (directory mode 0700, file 0600); copies are deleted after `ttlMs`
// without use and when the service stops. Videos themselves are streamed by ranged reads from the store.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { processWorkDir, type MediaStore } from '../storage/index.js';

export interface CachedMedia {
  path: string;
  size: number;
}

export interface MediaCache {
  /** The decrypted file of a storage key (decrypting it on first use). */
  file(key: string): Promise<CachedMedia>;
  /** Deletes every cached copy. */
  close(): Promise<void>;
}

export function createMediaCache(store: MediaStore, ttlMs = 5 * 60_000): MediaCache {
  // Under the process's work directory: a crashed API leaves no plaintext that the next start does not wipe.
  const dir = mkdtempSync(join(processWorkDir(store.workRoot), 'review-'));
  const entries = new Map<string, { ready: Promise<CachedMedia>; lastUsed: number }>();
  const timer = setInterval(
    () => {
      const cutoff = Date.now() - ttlMs;
      for (const [k, e] of entries) {
        if (e.lastUsed < cutoff) {
          entries.delete(k);
          void e.ready.then((m) => rm(m.path, { force: true })).catch(() => undefined);
        }
      }
    },
    Math.min(ttlMs, 60_000),
  );
  timer.unref();
  return {
    file(key) {
      const hit = entries.get(key);
      if (hit) {
        hit.lastUsed = Date.now();
        return hit.ready;
      }
      const path = join(dir, key.replace(/[^a-z0-9]/gi, '_'));
      const ready = (async () => {
        await pipeline(store.get(key), createWriteStream(path, { mode: 0o600 }));
        return { path, size: (await stat(path)).size };
      })();
      entries.set(key, { ready, lastUsed: Date.now() });
      // A failed decryption is not cached.
      ready.catch(() => entries.delete(key));
      return ready;
    },
    async close() {
      clearInterval(timer);
      entries.clear();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** One JPEG frame of a video file at `timeSec` (for the live-frame and card-in-video thumbnails). */
export function extractFrameJpeg(path: string, timeSec: number, width = 480): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const args = [
      '-hide_banner',
      '-loglevel',
      'error',
      '-ss',
      String(Math.max(0, timeSec)),
      '-i',
      path,
      '-frames:v',
      '1',
      '-vf',
      `scale=${width}:-2`,
      '-f',
      'image2',
      '-c:v',
      'mjpeg',
      'pipe:1',
    ];
    const p = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    p.stdout.on('data', (c: Buffer) => out.push(c));
    p.stderr.on('data', (c: Buffer) => (err += c.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      const buf = Buffer.concat(out);
      if (code === 0 && buf.length > 0) resolve(buf);
      else reject(new Error(`ffmpeg frame extraction failed (${code}): ${err.slice(0, 200)}`));
    });
  });
}

/** Parses a single-range `Range: bytes=a-b` header. Null when absent; 'invalid' when unsatisfiable. */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | null | 'invalid' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'invalid';
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'invalid';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'invalid';
  return { start, end };
}
