import { describe, expect, it } from 'vitest';
import { randomBytes, createHash } from 'node:crypto';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { tempDir } from '../helpers/env.js';
import { createLocalMediaStore, readAll, withDecrypted, SEGMENT } from '../../service/storage/index.js';

const KEY = randomBytes(32).toString('hex');
/** The keyring-less store seals with the master key; the case is not used. */
const CASE = { caseId: '00000000-0000-4000-8000-000000000000' };

async function sealedFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const d of await readdir(dir)) for (const f of await readdir(join(dir, d))) out.push(join(dir, d, f));
  return out;
}

describe('encrypted media store', () => {
  it.each([0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT + 17])(
    'round-trips %i bytes streamed in small chunks',
    async (n) => {
      const dir = tempDir();
      const store = createLocalMediaStore(dir, KEY);
      const data = randomBytes(n);
      const chunks = Array.from({ length: Math.ceil(n / 1000) }, (_, i) =>
        data.subarray(i * 1000, (i + 1) * 1000),
      );
      const obj = await store.put(Readable.from(chunks), CASE);
      expect(obj.size).toBe(n);
      expect(obj.sha256).toBe(createHash('sha256').update(data).digest('hex'));
      expect(obj.key).toMatch(/^[0-9a-f]{32}$/);
      expect((await readAll(store, obj.key)).equals(data)).toBe(true);
      const [file] = await sealedFiles(dir);
      const raw = await readFile(file!);
      if (n > 64) expect(raw.includes(data.subarray(0, 64))).toBe(false);
    },
  );

  it('refuses altered, truncated and wrong-key files', async () => {
    const dir = tempDir();
    const store = createLocalMediaStore(dir, KEY);
    const obj = await store.put(Readable.from([randomBytes(2 * SEGMENT + 100)]), CASE);
    const [file] = await sealedFiles(dir);
    const orig = await readFile(file!);

    const flipped = Buffer.from(orig);
    flipped[100] = flipped[100]! ^ 1;
    await writeFile(file!, flipped);
    await expect(readAll(store, obj.key)).rejects.toThrow(/authentication/);

    // Cut exactly at a segment boundary: still detected, the last segment is missing.
    await writeFile(file!, orig.subarray(0, 12 + SEGMENT + 16));
    await expect(readAll(store, obj.key)).rejects.toThrow(/authentication/);

    await writeFile(file!, orig);
    const other = createLocalMediaStore(dir, randomBytes(32).toString('hex'));
    await expect(readAll(other, obj.key)).rejects.toThrow(/authentication/);
    expect((await readAll(store, obj.key)).length).toBe(2 * SEGMENT + 100);
  });

  it('leaves nothing behind when the source fails, and decrypts to a private temp dir', async () => {
    const dir = tempDir();
    const store = createLocalMediaStore(dir, KEY);
    const failing = new Readable({
      read() {
        this.destroy(new Error('client went away'));
      },
    });
    await expect(store.put(failing, CASE)).rejects.toThrow(/client went away/);
    expect(await sealedFiles(dir)).toEqual([]);

    const obj = await store.put(Readable.from([Buffer.from('hello')]), CASE);
    let seenDir = '';
    const text = await withDecrypted(store, [{ key: obj.key, name: 'a.txt' }], async (p) => {
      seenDir = join(p['a.txt']!, '..');
      expect((await stat(seenDir)).mode & 0o777).toBe(0o700);
      return readFile(p['a.txt']!, 'utf8');
    });
    expect(text).toBe('hello');
    await expect(stat(seenDir)).rejects.toThrow();
    await expect(() => store.get('../etc/passwd')).toThrow(/invalid storage key/);
  });
});
