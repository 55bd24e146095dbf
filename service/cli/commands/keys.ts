// `idv keys rotate`: re-wraps every case data key under the current MEDIA_ENCRYPTION_KEY (and re-seals media
// from before per-case keys), so that the keys listed in MEDIA_PREVIOUS_KEYS can be retired.
import { join } from 'node:path';
import type { CliContext } from '../index.js';
import { loadConfig } from '../../config/index.js';
import { openDb } from '../../db/index.js';
import { migrate } from '../../db/migrate.js';
import { masterKeysOf, mediaStoreFor } from '../../storage/index.js';
import { rotateKeys } from '../../storage/rotate.js';
import { printResult, progressEvery } from '../output.js';

export function register({ program }: CliContext): void {
  const keys = program.command('keys').description('Media encryption keys');
  keys
    .command('rotate')
    .description(
      'Re-wrap every case data key under MEDIA_ENCRYPTION_KEY (old keys in MEDIA_PREVIOUS_KEYS); media are not re-encrypted',
    )
    .action(async () => {
      const config = loadConfig();
      const db = await openDb({ url: config.DATABASE_URL, pgliteDir: join(config.DATA_DIR, 'pglite') });
      try {
        await migrate(db);
        let progress: ((done: number) => void) | undefined;
        const r = await rotateKeys(db, mediaStoreFor(config, db), masterKeysOf(config), (done, total) => {
          progress ??= progressEvery('objects checked', total);
          progress(done);
        });
        printResult({ ...r, retirable: r.stillReferenced.length === 0 });
        if (r.stillReferenced.length) process.exitCode = 1;
      } finally {
        await db.close();
      }
    });
}
