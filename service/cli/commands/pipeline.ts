// `idv verify` (one case in-process), `idv eval cases` (labelled cases in-process) and `idv bench pipeline`
// (fixture cases through the real queue with one worker process per core).
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { cpus } from 'node:os';
import type { Command } from 'commander';
import type { CliContext } from '../index.js';
import { loadConfig, type Config } from '../../config/index.js';
import { createLocalVerifier, type LocalCase } from '../../pipeline/in-process.js';
import type { Lang } from '../../cases/index.js';
import { percentile, printResult, progress, progressEvery } from '../output.js';

function configFor(opts: { faceWorkers?: string }): Config {
  return loadConfig({
    ...process.env,
    ...(opts.faceWorkers ? { FACE_WORKERS: opts.faceWorkers } : {}),
    LOG_LEVEL: 'silent',
  });
}

const lang = (s: string): Lang => {
  if (s !== 'fr' && s !== 'en') throw new Error('--lang must be fr or en');
  return s;
};

export function register({ program, evalCmd, benchCmd }: CliContext): void {
  program
    .command('verify')
    .description(
      'Run every check on local files in-process (no Redis, no database) and print the decision JSON',
    )
    .requiredOption('--front <file>', 'document photo, front side')
    .option('--back <file>', 'document photo, back side')
    .requiredOption('--video <file>', 'selfie video (WebM or MP4)')
    .requiredOption('--digits <digits>', 'the challenge digits, e.g. 471')
    .option('--lang <lang>', 'fr or en', 'fr')
    .option('--last-name <name>', 'declared last name (compared with the MRZ)')
    .option('--first-names <names>', 'declared first names')
    .option('--birth-date <date>', 'declared birth date, yyyy-mm-dd')
    .option('--face-workers <n>', 'face worker processes')
    .action(async (o: Record<string, string>) => {
      if (!/^\d{3}$/.test(o.digits!)) throw new Error('--digits must be 3 digits');
      const v = createLocalVerifier(configFor(o));
      try {
        const r = await v.verify({
          files: {
            front: resolve(o.front!),
            ...(o.back ? { back: resolve(o.back) } : {}),
            video: resolve(o.video!),
          },
          digits: o.digits!,
          lang: lang(o.lang!),
          ...(o.lastName && o.firstNames
            ? { declared: { lastName: o.lastName, firstNames: o.firstNames, birthDate: o.birthDate } }
            : {}),
        });
        printResult({
          outcome: r.decision.outcome,
          reasons: r.decision.reasons,
          policyVersion: r.decision.policyVersion,
          ms: Math.round(r.ms),
          face: r.stages.face && {
            similarity: r.stages.face.signals.similarity,
            signals: r.stages.face.signals,
          },
          speech: r.stages.speech && {
            decision: r.stages.speech.signals.decision,
            recognised: r.stages.speech.recognised,
            confidence: r.stages.speech.confidence,
          },
          lipSync: r.stages.speech?.lipSync ?? null,
          document: r.stages.document && {
            status: r.stages.document.status,
            documentType: r.stages.document.documentType,
            findings: r.stages.document.signals.findings,
          },
          errors: r.errors,
        });
      } finally {
        await v.close();
      }
    });

  evalCmd
    .command('cases <file>')
    .description('Run labelled cases (cases.jsonl) in-process and compare outcomes with the expected ones')
    .option('--limit <n>', 'only the first n cases')
    .option('--face-workers <n>', 'face worker processes')
    .option(
      '--details <jsonl>',
      'write one line per case: expected, attack, conditions, outcome, reasons and the face measurements',
    )
    .action(async (file: string, o: Record<string, string>) => {
      const abs = resolve(file);
      const base = dirname(abs);
      let lines = readFileSync(abs, 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map(
          (l) =>
            JSON.parse(l) as {
              front: string;
              back?: string;
              video: string;
              digits: string;
              lang: string;
              expected: string;
              case?: string;
              attack?: string;
              distance?: string;
              lighting?: string;
            },
        );
      if (o.limit) lines = lines.slice(0, Number(o.limit));
      const v = createLocalVerifier(configFor(o));
      const tick = progressEvery('cases', lines.length);
      const ms: number[] = [];
      let agree = 0;
      let auto = 0;
      let falseApprove = 0;
      let shouldNotApprove = 0;
      // Genuine cases held back by the speech stage alone: the face/card/liveness figure excludes them.
      let genuine = 0;
      let genuineApproved = 0;
      let genuineSpeechOnly = 0;
      const confusion: Record<string, Record<string, number>> = {};
      const byAttack: Record<string, Record<string, number>> = {};
      const byCondition: Record<string, Record<string, number>> = {};
      const reasonsByAttack: Record<string, Record<string, number>> = {};
      const details: string[] = [];
      if (o.details) writeFileSync(o.details, '');
      const bump = (t: Record<string, Record<string, number>>, k: string, v: string) =>
        ((t[k] ??= {})[v] = (t[k]![v] ?? 0) + 1);
      try {
        for (const [i, l] of lines.entries()) {
          const truthFile = l.case ? join(base, l.case, 'case.json') : undefined;
          const truth =
            truthFile && existsSync(truthFile)
              ? (JSON.parse(readFileSync(truthFile, 'utf8')) as {
                  identity?: { surname: string; givenNames: string[]; birthDate: string };
                })
              : undefined;
          const c: LocalCase = {
            files: {
              front: join(base, l.front),
              ...(l.back ? { back: join(base, l.back) } : {}),
              video: join(base, l.video),
            },
            digits: l.digits,
            lang: lang(l.lang),
            ...(truth?.identity
              ? {
                  declared: {
                    lastName: truth.identity.surname,
                    firstNames: truth.identity.givenNames.join(' '),
                    birthDate: truth.identity.birthDate,
                  },
                }
              : {}),
          };
          const r = await v.verify(c);
          ms.push(r.ms);
          const got = r.decision.outcome;
          if (got === l.expected) agree++;
          if (got !== 'review') auto++;
          if (l.expected === 'approve') {
            genuine++;
            if (got === 'approve') genuineApproved++;
            else if (r.decision.reasons.length > 0 && r.decision.reasons.every((c) => SPEECH_REASONS.has(c)))
              genuineSpeechOnly++;
          }
          if (l.expected !== 'approve') {
            shouldNotApprove++;
            if (got === 'approve') falseApprove++;
          }
          bump(confusion, l.expected, got);
          const attack = l.attack ?? (l.expected === 'approve' ? 'none' : 'unknown');
          bump(byAttack, attack, got);
          if (l.distance || l.lighting)
            bump(
              byCondition,
              `${attack === 'none' ? 'genuine' : 'attack'}:${l.distance ?? '-'}/${l.lighting ?? '-'}`,
              got,
            );
          for (const code of r.decision.reasons) bump(reasonsByAttack, attack, code);
          if (o.details) {
            const f = r.stages.face;
            details.push(
              JSON.stringify({
                case: l.case ?? i + 1,
                expected: l.expected,
                attack,
                distance: l.distance,
                lighting: l.lighting,
                outcome: got,
                reasons: r.decision.reasons,
                face: f && {
                  similarity: f.signals.similarity,
                  distance: f.live?.distance ?? null,
                  medianDistance: f.live?.medianDistance ?? null,
                  captureProblems: f.signals.captureProblems ?? [],
                  capture: f.capture ?? null,
                  card: f.cardInVideo,
                  staticVideo: f.signals.staticVideo,
                  multiplePeople: f.signals.multiplePeople,
                  mouthStd: stdOf(f.mouthTrack.map((m) => m.opening)),
                },
                lipSync: r.stages.speech?.lipSync ?? null,
              }),
            );
            // Written as it goes: a run stopped part-way (host load, timeout) keeps what it measured.
            appendFileSync(o.details, details[details.length - 1] + '\n');
          }
          // Reason codes only: enough to see why a case disagrees, no personal data.
          progress(
            `${l.case ?? `line ${i + 1}`}: expected ${l.expected}, got ${got} [${r.decision.reasons.join(', ')}]`,
          );
          tick(i + 1);
        }
      } finally {
        await v.close();
      }
      const n = lines.length;
      const r3 = (x: number) => Math.round(x * 1000) / 1000;
      // Per expected outcome (and per attack): the share auto-approved, sent to review, asked to resubmit,
      // rejected.
      const shares = (t: Record<string, Record<string, number>>) =>
        Object.fromEntries(
          Object.entries(t).map(([k, counts]) => {
            const total = Object.values(counts).reduce((a, b) => a + b, 0);
            return [
              k,
              {
                n: total,
                ...Object.fromEntries(
                  (['approve', 'review', 'resubmit', 'reject'] as const).map((out) => [
                    out,
                    r3((counts[out] ?? 0) / total),
                  ]),
                ),
              },
            ];
          }),
        );
      printResult({
        n,
        agreement: r3(agree / n),
        auto_decided: r3(auto / n),
        false_auto_approve: r3(shouldNotApprove ? falseApprove / shouldNotApprove : 0),
        false_auto_approve_count: falseApprove,
        genuine_approved: genuine ? r3(genuineApproved / genuine) : null,
        genuine_held_by_speech_only: genuineSpeechOnly,
        // Approved once the cases held by speech reasons alone are counted as approved (face, card, liveness).
        genuine_approved_without_speech_holds: genuine
          ? r3((genuineApproved + genuineSpeechOnly) / genuine)
          : null,
        ms_per_case_p50: Math.round(percentile(ms, 50)),
        ms_per_case_p95: Math.round(percentile(ms, 95)),
        confusion,
        by_expected: shares(confusion),
        by_attack: shares(byAttack),
        ...(Object.keys(byCondition).length ? { by_condition: shares(byCondition) } : {}),
        reasons_by_attack: reasonsByAttack,
      });
    });

  benchCmd
    .command('pipeline')
    .description(
      'Fixture cases through the real queue (PostgreSQL + Redis): latency one case at a time, then throughput with many in flight',
    )
    .option('--cases <n>', 'cases of the throughput phase (the fixture set is reused beyond 20)', '30')
    .option('--latency-cases <n>', 'cases of the latency phase (one at a time)', '10')
    .option('--workers <n>', 'pipeline worker processes', '1')
    .option('--face-workers <n>', 'face inference processes per worker (default: one per core)')
    .option('--concurrency <n>', 'cases in flight in the throughput phase', '6')
    .option('--out <dir>', 'fixture directory (generated once, reused)', '.data/bench-pipeline')
    .action(async (o: Record<string, string>) => {
      const { benchPipeline } = await import('../../pipeline/bench.js');
      const res = await benchPipeline({
        cases: Number(o.cases),
        latencyCases: Number(o.latencyCases),
        workers: Number(o.workers),
        faceWorkers: o.faceWorkers ? Number(o.faceWorkers) : cpus().length,
        concurrency: Number(o.concurrency),
        dir: resolve(o.out!),
        log: progress,
      });
      printResult(res);
    });
}

export type { Command };

/** Reasons of the speech stage (spoken digits), not of the face, card or liveness checks. */
const SPEECH_REASONS: ReadonlySet<string> = new Set(['DIGITS_UNCERTAIN', 'DIGITS_MISMATCH', 'NO_SPEECH']);

/** Population standard deviation (rounded), null for fewer than 2 values. */
function stdOf(v: number[]): number | null {
  if (v.length < 2) return null;
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.round(Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length) * 1e5) / 1e5;
}
