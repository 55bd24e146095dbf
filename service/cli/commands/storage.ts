// `idv storage check`: media objects without a row and rows without an object (exit code 1 when any).
import { join } from 'node:path';
import type { CliContext } from '../index.js';
import { loadConfig } from '../../config/index.js';
import { openDb } from '../../db/index.js';
import { migrate } from '../../db/migrate.js';
import { checkStorage } from '../../storage/check.js';
import { mediaStoreFor } from '../../storage/index.js';
import { liveObjects } from '../../storage/rotate.js';
import { printResult } from '../output.js';

export function register({ program }: CliContext): void {
  const storage = program.command('storage').description('Encrypted media store');
  storage
    .command('check')
    .description('List stored objects no media row refers to and media rows whose object is missing')
    .option('--grace-seconds <n>', 'objects younger than this are uploads in flight, not orphans', '600')
    .option('--delete-orphans', 'delete the orphan objects found')
    .action(async (opts: { graceSeconds: string; deleteOrphans?: boolean }) => {
      const grace = Number(opts.graceSeconds);
      if (!(grace >= 0)) throw new Error('--grace-seconds must be a number >= 0');
      const config = loadConfig();
      const db = await openDb({ url: config.DATABASE_URL, pgliteDir: join(config.DATA_DIR, 'pglite') });
      try {
        await migrate(db);
        const r = await checkStorage(
          mediaStoreFor(config, db),
          (await liveObjects(db)).map(({ key, caseId }) => ({ key, caseId })),
          {
            graceMs: grace * 1000,
            deleteOrphans: opts.deleteOrphans === true,
          },
        );
        printResult(r);
        if (!r.ok) process.exitCode = 1;
      } finally {
        await db.close();
      }
    });
}
