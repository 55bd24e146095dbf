// `idv sla deadline`, `idv audit verify`, `idv reviewer create`: operator commands of the review area.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { verifyAgainstAnchor } from '../../evidence/anchor.js';
import { readKeySet } from './evidence.js';
import { registerAuditAnchor } from './retention.js';
import type { CliContext } from '../index.js';
import { loadConfig } from '../../config/index.js';
import { openDb, type Db } from '../../db/index.js';
import { migrate } from '../../db/migrate.js';
import { addWorkingHours, atRiskFrom, toParisIso } from '../../review/calendar.js';
import { appendAudit, verifyAuditChain } from '../../audit/audit-repository.js';
import { createReviewer, generatePassword, ROLES, type Role } from '../../auth/account-repository.js';

async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openDb({ url: config.DATABASE_URL, pgliteDir: join(config.DATA_DIR, 'pglite') });
  try {
    await migrate(db);
    return await fn(db);
  } finally {
    await db.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function register({ program }: CliContext): void {
  const sla = program.command('sla').description('Review deadline calendar (working hours, Europe/Paris)');
  sla
    .command('deadline')
    .description('Print the review deadline (ISO-8601 with offset) of a case submitted at the given time')
    .argument('<submission>', 'ISO-8601 submission time, e.g. 2026-05-07T16:30:00+02:00')
    .option('--hours <n>', 'working hours (default SLA_WORKING_HOURS, 48)')
    .option('--verbose', 'also print the at-risk time as JSON')
    .action((submission: string, opts: { hours?: string; verbose?: boolean }) => {
      const start = new Date(submission);
      if (Number.isNaN(start.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(submission)) {
        throw new Error(`not an ISO-8601 time: ${submission}`);
      }
      const env = loadConfig();
      const hours = opts.hours === undefined ? env.SLA_WORKING_HOURS : Number(opts.hours);
      if (!(hours >= 0)) throw new Error('--hours must be a number >= 0');
      const deadline = addWorkingHours(start, hours);
      if (opts.verbose) {
        const atRisk = atRiskFrom(start, { slaWorkingHours: hours, atRiskHours: env.SLA_AT_RISK_HOURS });
        process.stdout.write(
          `${JSON.stringify({ submitted: toParisIso(start), deadline: toParisIso(deadline), atRisk: toParisIso(atRisk), workingHours: hours })}\n`,
        );
      } else {
        process.stdout.write(`${toParisIso(deadline)}\n`);
      }
    });

  const audit = program.command('audit').description('Audit trail');
  audit
    .command('verify')
    .description('Recompute the hash chain of the audit trail; exit code 1 when it is broken')
    .option('--anchor <file>', 'also check the chain against an exported signed head (`idv audit anchor`)')
    .option('--keys <file>', "published public keys for the anchor (default: this deployment's)")
    .action(async (opts: { anchor?: string; keys?: string }) => {
      const r = await withDb<{ ok: boolean; problems?: string[] }>((db) =>
        opts.anchor
          ? verifyAgainstAnchor(db, JSON.parse(readFileSync(opts.anchor, 'utf8')), readKeySet(opts.keys))
          : verifyAuditChain(db),
      );
      process.stdout.write(`${JSON.stringify(r)}\n`);
      if (!r.ok) process.exitCode = 1;
      for (const p of r.problems ?? []) process.stderr.write(`audit verify: ${p}\n`);
    });
  registerAuditAnchor(audit);

  const reviewer = program.command('reviewer').description('Reviewer accounts');
  reviewer
    .command('create')
    .description('Create a reviewer account; the password is read from stdin, or generated and printed once')
    .requiredOption('--email <email>', 'login e-mail')
    .requiredOption('--role <role>', `one of ${ROLES.join('|')}`)
    .option(
      '--password-stdin',
      'read the password from stdin (otherwise one is generated when stdin is a terminal)',
    )
    .action(async (opts: { email: string; role: string; passwordStdin?: boolean }) => {
      if (!(ROLES as readonly string[]).includes(opts.role))
        throw new Error(`--role must be one of ${ROLES.join(', ')}`);
      let password: string | undefined;
      if (opts.passwordStdin || !process.stdin.isTTY) {
        password = (await readStdin()).replace(/\r?\n$/, '');
        if (password === '') password = undefined;
      }
      const generated = password === undefined;
      const pw = password ?? generatePassword();
      const r = await withDb(async (db) => {
        const rev = await createReviewer(db, { email: opts.email, role: opts.role as Role, password: pw });
        await appendAudit(db, {
          actorType: 'system',
          actorId: 'cli',
          action: 'reviewer.created',
          details: { reviewerId: rev.id, role: rev.role },
        });
        return rev;
      });
      process.stdout.write(
        `${JSON.stringify({ id: r.id, email: r.email, role: r.role, ...(generated ? { password: pw } : {}) })}\n`,
      );
      if (generated) process.stderr.write('The generated password is shown once; store it now.\n');
    });
}
