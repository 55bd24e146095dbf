// `idv retention sweep|hold|release` and `idv audit anchor`: retention and proof operations.
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CliContext } from '../index.js';
import { loadConfig, type Config } from '../../config/index.js';
import { openDb, type Db } from '../../db/index.js';
import { migrate } from '../../db/migrate.js';
import { mediaStoreFor } from '../../storage/index.js';
import { evidenceFor } from '../../evidence/service.js';
import { loadEvidenceKeys } from '../../evidence/keys.js';
import { createAnchor, exportAnchor } from '../../evidence/anchor.js';
import { retentionPolicyFrom } from '../../retention/policy.js';
import { runRetentionJob } from '../../retention/job.js';
import { changeLegalHold } from '../../retention/legal-hold.js';

async function withDb<T>(fn: (db: Db, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openDb({ url: config.DATABASE_URL, pgliteDir: join(config.DATA_DIR, 'pglite') });
  try {
    await migrate(db);
    return await fn(db, config);
  } finally {
    await db.close();
  }
}

function parseNow(s?: string): Date {
  if (s === undefined) return new Date();
  const d = new Date(s);
  if (Number.isNaN(d.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(s))
    throw new Error(`--now: not an ISO-8601 time: ${s}`);
  return d;
}

export function register({ program }: CliContext): void {
  const retention = program.command('retention').description('Retention policy: purges and legal holds');
  retention
    .command('sweep')
    .description(
      'Run the scheduled retention job once, in this process: purges due data, writes receipts, exports an audit anchor',
    )
    .option('--now <iso>', 'the time to apply the policy at (default: now)')
    .action(async (opts: { now?: string }) => {
      const now = parseNow(opts.now);
      const r = await withDb((db, config) =>
        runRetentionJob({
          db,
          store: mediaStoreFor(config, db),
          policy: retentionPolicyFrom(config),
          evidence: evidenceFor({ config, db }, () => now),
          signingKey: loadEvidenceKeys(config).signing,
          anchorDir: config.AUDIT_ANCHOR_DIR,
          now: () => now,
        }),
      );
      process.stdout.write(`${JSON.stringify(r)}\n`);
    });
  retention
    .command('hold')
    .description('Put a case under legal hold (never purged, never erased, until released)')
    .argument('<caseId>')
    .option('--reason <text>', 'why (kept on the case, not in the audit trail)')
    .action(async (caseId: string, opts: { reason?: string }) => {
      const ok = await withDb((db) =>
        changeLegalHold(db, {
          caseId,
          hold: true,
          ...(opts.reason ? { reason: opts.reason } : {}),
          actorType: 'system',
          actorId: 'cli',
        }),
      );
      if (!ok) throw new Error(`no such case: ${caseId}`);
      process.stdout.write(`${JSON.stringify({ id: caseId, legalHold: true })}\n`);
    });
  retention
    .command('release')
    .description('Lift the legal hold of a case')
    .argument('<caseId>')
    .action(async (caseId: string) => {
      const ok = await withDb((db) =>
        changeLegalHold(db, { caseId, hold: false, actorType: 'system', actorId: 'cli' }),
      );
      if (!ok) throw new Error(`no such case: ${caseId}`);
      process.stdout.write(`${JSON.stringify({ id: caseId, legalHold: false })}\n`);
    });
}

/** `idv audit anchor`, added to the `audit` command that review.ts owns. */
export function registerAuditAnchor(audit: Command): void {
  audit
    .command('anchor')
    .description(
      'Sign the audit chain head now and export it (AUDIT_ANCHOR_DIR, and --out); keep it off this host',
    )
    .option('--out <file>', 'also write the anchor to this file')
    .action(async (opts: { out?: string }) => {
      const r = await withDb(async (db, config) => {
        const anchor = await createAnchor(db, loadEvidenceKeys(config).signing, new Date());
        exportAnchor(anchor, config.AUDIT_ANCHOR_DIR);
        if (opts.out) writeFileSync(opts.out, `${JSON.stringify(anchor, null, 2)}\n`);
        return anchor;
      });
      process.stdout.write(`${JSON.stringify(r)}\n`);
    });
}
