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
    },
    timeout: 120_000,
  });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (!last.startsWith('{')) throw new Error(`idv storage check: ${r.status} ${r.stderr}`);
  return { ...(JSON.parse(last) as StorageReport), code: r.status };
}
