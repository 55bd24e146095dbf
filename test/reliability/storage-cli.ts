// `idv storage check` run as an operator would, against a service's DATA_DIR and database.
import { spawnSync } from 'node:child_process';
import type { Config } from '../../service/config/index.js';
import type { StorageReport } from '../../service/storage/check.js';

export function storageCheck(
  c: Config,
  args: string[] = ['--grace-seconds', '0'],
): StorageReport & { code: number | null } {
  const r = spawnSync(process.execPath, ['bin/idv.js', 'storage', 'check', ...args], {
    encoding: 'utf8',
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
  });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (!last.startsWith('{')) throw new Error(`idv storage check: ${r.status} ${r.stderr}`);
  return { ...(JSON.parse(last) as StorageReport), code: r.status };
}
