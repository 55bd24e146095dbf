// `idv bench applicant`: the applicant app's weight and speed on a phone: bundle size (gzip), time to
// interactive at 390×844 on a throttled network (default 1.6 Mbit/s, 150 ms RTT, emulated through the
// Chrome DevTools Protocol), and the upload time of a 10 s video recorded at the app's bitrates, sent as the app
// sends it (tus, 512 KiB chunks) and, for comparison, as one multipart PUT.
// Runs the service in-process (embedded PGlite, local Redis) and Debian Chromium through playwright-core.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { CliContext } from '../index.js';
import { printResult, progress } from '../output.js';
import { loadConfig } from '../../config/index.js';
import { startService } from '../../server.js';
import { applicantAppDir } from '../../api/applicant/app-router.js';

const run = promisify(execFile);

interface Options {
  kbps: string;
  rtt: string;
  runs: string;
  chromium: string;
}

/** The app's chunk size for tus uploads (applicant-ui/src/domains/upload.ts). */
const TUS_CHUNK_BYTES = 512 * 1024;

/**
 * gzip -9 size of every file the app may load (index.html, JS, CSS), and of those the first page load fetches
 * (index.html and what it references; lazily loaded chunks such as the upload client come later).
 */
function bundleSize(dir: string): { files: number; raw: number; gzip: number; initialGzip: number } {
  const files = ['index.html', ...readdirSync(join(dir, 'assets')).map((f) => join('assets', f))].filter(
    (f) => /\.(html|js|css)$/.test(f),
  );
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  let raw = 0;
  let gz = 0;
  let initial = 0;
  for (const f of files) {
    const b = readFileSync(join(dir, f));
    const size = gzipSync(b, { level: 9 }).length;
    raw += b.length;
    gz += size;
    if (f === 'index.html' || html.includes(`/v/${f}`)) initial += size;
  }
  return { files: files.length, raw, gzip: gz, initialGzip: initial };
}

export function register({ benchCmd }: CliContext): void {
  benchCmd
    .command('applicant')
    .description(
      'Applicant app: bundle size (gzip), time to interactive and 10 s video upload on a throttled phone',
    )
    .option('--kbps <n>', 'throughput, both directions, kbit/s', '1600')
    .option('--rtt <ms>', 'round-trip time, ms', '150')
    .option('--runs <n>', 'page loads (cold cache each)', '3')
    .option('--chromium <path>', 'Chromium executable', '/usr/bin/chromium')
    .action(async (o: Options) => {
      const dir = applicantAppDir();
      if (!dir) throw new Error('the applicant app is not built: npm run build:ui');
      const bundle = bundleSize(dir);
      progress(
        `bundle: ${bundle.files} files, ${bundle.raw} B, ${bundle.gzip} B gzip (${bundle.initialGzip} B gzip at first load)`,
      );
      const kbps = Number(o.kbps);
      const rtt = Number(o.rtt);
      const work = mkdtempSync(join(tmpdir(), 'idv-bench-app-'));
      const config = loadConfig({
        NODE_ENV: 'test',
        ROLE: 'api',
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        DATA_DIR: join(work, 'data'),
        REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        QUEUE_PREFIX: `benchapp${randomBytes(3).toString('hex')}`,
      });
      const svc = await startService(config);
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({
        executablePath: o.chromium,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      });
      try {
        const create = async () => {
          const r = await fetch(`${svc.url}/v1/verifications`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-api-key': config.API_KEYS[0]! },
            body: JSON.stringify({
              lang: 'fr',
              applicant: {
                lastName: 'Bench',
                firstNames: 'App',
                birthDate: '1990-01-01',
                email: 'bench@example.invalid',
                mobile: '+33600000000',
              },
            }),
          });
          return ((await r.json()) as { token: string }).token;
        };
        const throttled = async () => {
          const ctx = await browser.newContext({
            viewport: { width: 390, height: 844 },
            isMobile: true,
            hasTouch: true,
            locale: 'fr-FR',
          });
          const page = await ctx.newPage();
          const cdp = await ctx.newCDPSession(page);
          await cdp.send('Network.enable');
          await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
          await cdp.send('Network.emulateNetworkConditions', {
            offline: false,
            latency: rtt,
            downloadThroughput: (kbps * 1000) / 8,
            uploadThroughput: (kbps * 1000) / 8,
          });
          return { ctx, page };
        };
        const tti: number[] = [];
        for (let i = 0; i < Math.max(1, Number(o.runs)); i++) {
          const token = await create();
          const { ctx, page } = await throttled();
          const t0 = Date.now();
          await page.goto(`${svc.url}/v/${token}`, { waitUntil: 'commit' });
          // Interactive: the start button is rendered and enabled (the app has its session from the API).
          await page.getByRole('button', { name: 'Commencer' }).waitFor();
          tti.push(Date.now() - t0);
          progress(`time to interactive: ${tti.at(-1)} ms`);
          await ctx.close();
        }
        // A 10 s video at the app's recorder bitrates (1.5 Mbit/s VP8 + 64 kbit/s Opus).
        const video = join(work, 'ten-seconds.webm');
        await run('ffmpeg', [
          '-v',
          'error',
          '-y',
          '-f',
          'lavfi',
          '-i',
          'testsrc2=size=1280x720:rate=30:duration=10',
          '-f',
          'lavfi',
          '-i',
          'sine=frequency=440:duration=10',
          '-c:v',
          'libvpx',
          '-b:v',
          '1500k',
          '-deadline',
          'realtime',
          '-cpu-used',
          '8',
          '-c:a',
          'libopus',
          '-b:a',
          '64k',
          video,
        ]);
        const bytes = readFileSync(video);
        const token = await create();
        const { ctx, page } = await throttled();
        await page.goto(`${svc.url}/v/${token}`);
        await page.getByRole('button', { name: 'Commencer' }).waitFor();
        const b64 = bytes.toString('base64');
        // As the app sends it: the tus protocol (POST, then PATCH chunks), as tus-js-client does.
        const tus = await page.evaluate(
          async ({ b64, token, chunk }) => {
            const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const auth = { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0' };
            const t0 = performance.now();
            const created = await fetch('/v1/applicant/uploads', {
              method: 'POST',
              headers: {
                ...auth,
                'upload-length': String(bin.length),
                'upload-metadata': `kind ${btoa('video')}`,
              },
            });
            const url = created.headers.get('location');
            if (created.status !== 201 || !url) return { status: created.status, ms: 0 };
            let offset = 0;
            let status = 0;
            while (offset < bin.length) {
              const r = await fetch(url, {
                method: 'PATCH',
                headers: {
                  ...auth,
                  'upload-offset': String(offset),
                  'content-type': 'application/offset+octet-stream',
                },
                body: bin.subarray(offset, offset + chunk),
              });
              status = r.status;
              if (status !== 204 && status !== 200) break;
              offset = Number(r.headers.get('upload-offset'));
            }
            return { status, ms: performance.now() - t0 };
          },
          { b64, token, chunk: TUS_CHUNK_BYTES },
        );
        if (tus.status !== 200) throw new Error(`tus video upload answered ${tus.status}`);
        progress(`tus upload of ${bytes.length} B: ${Math.round(tus.ms)} ms`);
        const upload = await page.evaluate(
          async ({ b64, token }) => {
            const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const form = new FormData();
            form.append('file', new Blob([bin], { type: 'video/webm' }), 'video.webm');
            const t0 = performance.now();
            const r = await fetch('/v1/applicant/media/video', {
              method: 'PUT',
              headers: { authorization: `Bearer ${token}` },
              body: form,
            });
            return { status: r.status, ms: performance.now() - t0 };
          },
          { b64, token },
        );
        await ctx.close();
        if (upload.status !== 201) throw new Error(`video upload answered ${upload.status}`);
        progress(`multipart PUT of ${bytes.length} B: ${Math.round(upload.ms)} ms`);
        const sorted = [...tti].sort((a, b) => a - b);
        printResult({
          bench: 'applicant',
          network: { kbps, rttMs: rtt },
          viewport: '390x844',
          bundle_files: bundle.files,
          bundle_bytes: bundle.raw,
          bundle_gzip_bytes: bundle.gzip,
          bundle_initial_gzip_bytes: bundle.initialGzip,
          tti_ms: sorted,
          tti_ms_median: sorted[Math.floor(sorted.length / 2)],
          video_bytes: bytes.length,
          video_upload_s: Math.round(tus.ms) / 1000,
          video_upload_tus_chunk_bytes: TUS_CHUNK_BYTES,
          video_upload_put_s: Math.round(upload.ms) / 1000,
          video_upload_ideal_s: Math.round(((bytes.length * 8) / (kbps * 1000)) * 100) / 100,
        });
      } finally {
        await browser.close();
        await svc.stop();
        rmSync(work, { recursive: true, force: true });
      }
    });
}
