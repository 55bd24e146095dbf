// `idv storage check` run as an operator would, against a service's DATA_DIR and database.
import { execFile } from 'node:child_process';
import type { Config } from '../../service/config/index.js';
import type { StorageReport } from '../../service/storage/check.js';

/** Asynchronous: a synchronous spawn would block the in-process service under test for the CLI's whole run. */
export async function storageCheck(
  c: Config,
  args: string[] = ['--grace-seconds', '0'],
): Promise<StorageReport & { code: number | null }> {
  const r = await new Promise<{ stdout: string; stderr: string; status: number | null }>((resolve) => {
    execFile(
      process.execPath,
      ['bin/idv.js', 'storage', 'check', ...args],
      {
        env: {
          ...process.env,
          IDV_FROM_SOURCE: '1',
          NODE_ENV: 'test',
          DATABASE_URL: c.DATABASE_URL ?? '',
          DATA_DIR: c.DATA_DIR,
          MEDIA_ENCRYPTION_KEY: c.MEDIA_ENCRYPTION_KEY,
          LOG_LEVEL: 'silent',
          // The same backend as the service (MEDIA_STORAGE=s3 and its bucket, when so configured).
          MEDIA_STORAGE: c.MEDIA_STORAGE,
          ...Object.fromEntries(
            (['S3_ENDPOINT', 'S3_REGION', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const)
              .filter((k) => c[k] !== undefined)
              .map((k) => [k, String(c[k])]),
          ),
          S3_FORCE_PATH_STYLE: String(c.S3_FORCE_PATH_STYLE),
          S3_CHECKSUMS: c.S3_CHECKSUMS,
        },
        timeout: 120_000,
      },
      (err, stdout, stderr) =>
        resolve({ stdout, stderr, status: err ? (typeof err.code === 'number' ? err.code : null) : 0 }),
    );
  });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (!last.startsWith('{')) throw new Error(`idv storage check: ${r.status} ${r.stderr}`);
  return { ...(JSON.parse(last) as StorageReport), code: r.status };
}
