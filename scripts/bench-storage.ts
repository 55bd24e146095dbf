// `npm run bench:storage`: upload and stage-read throughput (MB/s) and peak RSS for a 60 MB video on each media
// backend (local directory, and S3 on s3rver started here unless BENCH_S3_* point at another server). Each backend
// runs in a fresh child process so that its peak RSS (VmHWM) is its own. Per-case keys in a fresh PostgreSQL
// database (TEST_DATABASE_URL, default the local test server). Progress on stderr, one JSON line last on stdout.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openDb } from '../service/db/index.js';
import { migrate } from '../service/db/migrate.js';
import { mediaStoreFor, withDecrypted, type StorageConfig } from '../service/storage/index.js';
import { freshPgDatabase } from '../test/helpers/pg.js';
import { tempDir } from '../test/helpers/env.js';
import { startS3Server } from '../test/helpers/s3-server.js';
import { makeVideo } from '../test/storage/video.js';

function status(field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

interface Row {
  backend: string;
  mb: number;
  uploadMBs: number;
  stageReadMBs: number;
  rssBeforeMB: number;
  peakRssMB: number;
}

async function child(cfg: StorageConfig & { DATABASE_URL: string }, video: string): Promise<Row> {
  const db = await openDb({ url: cfg.DATABASE_URL });
  const store = mediaStoreFor(cfg, db);
  const mb = statSync(video).size / 1e6;
  const rssBefore = status('VmRSS');
  let t = performance.now();
  const obj = await store.put(createReadStream(video, { highWaterMark: 256 * 1024 }), {
    caseId: '00000000-0000-4000-8000-' + randomBytes(6).toString('hex'),
  });
  const upload = (performance.now() - t) / 1000;
  t = performance.now();
  // What a stage does: decrypt into its private work directory for ffmpeg.
  await withDecrypted(store, [{ key: obj.key, name: 'video.mkv' }], async () => undefined);
  const read = (performance.now() - t) / 1000;
  await store.delete(obj.key);
  await db.close();
  const r2 = (x: number) => Math.round(x * 10) / 10;
  return {
    backend: cfg.MEDIA_STORAGE ?? 'local',
    mb: r2(mb),
    uploadMBs: r2(mb / upload),
    stageReadMBs: r2(mb / read),
    rssBeforeMB: r2(rssBefore / 1e6),
    peakRssMB: r2(status('VmHWM') / 1e6),
  };
}

async function main(): Promise<void> {
  const [mode, arg] = process.argv.slice(2);
  if (mode === '--child') {
    const { cfg, video } = JSON.parse(arg!) as {
      cfg: StorageConfig & { DATABASE_URL: string };
      video: string;
    };
    process.stdout.write(`${JSON.stringify(await child(cfg, video))}\n`);
    return;
  }
  const mb = Number(process.env.BENCH_MB ?? 60);
  process.stderr.write(`generating a ${mb} MB video\n`);
  const video = makeVideo(mb);
  const pg = await freshPgDatabase('idv_bench');
  const db = await openDb({ url: pg.url });
  await migrate(db);
  await db.close();
  const s3 = await startS3Server();
  const base = {
    DATA_DIR: tempDir('idv-bench-'),
    MEDIA_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    DATABASE_URL: pg.url,
  };
  const s3cfg = {
    ...base,
    MEDIA_STORAGE: 's3' as const,
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: s3.options.region,
    S3_BUCKET: s3.bucket,
    S3_ACCESS_KEY_ID: s3.options.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.options.secretAccessKey,
    S3_FORCE_PATH_STYLE: true,
    S3_CHECKSUMS: 'when_required' as const,
  };
  const rows: Row[] = [];
  try {
    for (const cfg of [{ ...base, MEDIA_STORAGE: 'local' as const }, s3cfg]) {
      process.stderr.write(`backend ${cfg.MEDIA_STORAGE}\n`);
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', JSON.stringify({ cfg, video })],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const last = r.stdout.trim().split('\n').pop() ?? '';
      if (r.status !== 0 || !last.startsWith('{')) throw new Error(`bench child failed (${r.status})`);
      rows.push(JSON.parse(last) as Row);
    }
  } finally {
    await s3.close();
    await pg.drop();
  }
  for (const r of rows)
    process.stderr.write(
      `${r.backend.padEnd(6)} ${r.mb} MB  upload ${r.uploadMBs} MB/s  stage read ${r.stageReadMBs} MB/s  peak RSS ${r.peakRssMB} MB (before ${r.rssBeforeMB} MB)\n`,
    );
  process.stdout.write(`${JSON.stringify({ bench: 'storage', s3Server: 's3rver', rows })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench-storage: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
