// `idv eval mrz <index.json>` and `idv bench mrz`: accuracy and CPU cost of the document (MRZ) engine.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { CliContext } from '../index.js';
import { percentile, printResult, progress, progressEvery } from '../output.js';
import { createDocumentEngine, parseMrz, type DocumentEngine } from '../../document/index.js';
import { decodeImage, isMediaError } from '../../media/index.js';

export interface IndexEntry {
  file?: string;
  line_files?: string[];
  mrz: string[];
  /** Document type label (mrz-docs: TD1, TD3, FR_ID_OLD; generated sets: cni2021, passport...). */
  doc_type?: string;
  doc?: string;
  /** False when the printed check digits do not verify: the engine must report MRZ_CHECK_DIGIT. */
  check_digits_valid?: boolean;
}

const FIELD_KEYS = ['documentNumber', 'birthDate', 'expirationDate', 'lastName', 'firstName'] as const;

/** Field values compared by the evaluation (same parser on truth and reading). */
function evalFields(lines: string[], today: Date): Record<(typeof FIELD_KEYS)[number], string> | null {
  const p = parseMrz(lines, today);
  if (!p) return null;
  return {
    documentNumber: p.fields.documentNumber,
    birthDate: p.fields.birthDate,
    expirationDate: p.fields.expirationDate ?? '',
    lastName: p.fields.lastName,
    firstName: p.fields.firstNames,
  };
}

interface ItemResult {
  lines: string[];
  valid: boolean;
  ms: number;
  /** Engine verdict: ok / ambiguous / check_digit / unreadable (line crops), or the finding codes (photos). */
  status: string;
  /** The best reading, also when refused. */
  best: string[];
  /** Where a refused reading failed (photos): not_located / not_cut / ambiguous / check_digit / undecodable. */
  stage: string;
  confidence?: number;
  /** Check-digit repairs the engine made (photos). */
  repairs?: unknown[];
  side?: string;
}

async function readEntry(engine: DocumentEngine, base: string, e: IndexEntry): Promise<ItemResult> {
  if (e.line_files) {
    const imgs = await Promise.all(e.line_files.map((f) => decodeImage(resolve(base, f))));
    const t0 = performance.now();
    const r = engine.readLines(imgs);
    const ms = performance.now() - t0;
    return {
      lines: r.status === 'ok' && r.decoded ? r.decoded.lines : [],
      valid: r.status === 'ok',
      ms,
      status: r.status,
      best: r.decoded?.lines ?? [],
      stage: r.status === 'ok' ? 'read' : r.status === 'unreadable' ? 'not_cut' : r.status,
      repairs: r.decoded?.repairs ?? [],
    };
  }
  let img;
  try {
    img = await decodeImage(resolve(base, e.file!));
  } catch (err) {
    // An entry the media layer refuses (e.g. a BMP named .jpg) is counted and reported, not fatal.
    if (!isMediaError(err)) throw err;
    return {
      lines: [],
      valid: false,
      ms: 0,
      status: `undecodable:${err.code}`,
      best: [],
      stage: 'undecodable',
    };
  }
  const t0 = performance.now();
  const a = await engine.read({
    images: [img],
    allowedTypes: ['ID_CARD', 'PASSPORT', 'RESIDENCE_PERMIT'],
    minimumAge: 18,
  });
  const ms = performance.now() - t0;
  return {
    lines: a.status === 'read' ? a.lines : [],
    // A reading the engine accepted whose check digits verify (a finding on the fields, such as the
    // Czech specimen's 29 February 1911, is the validation's business, not a misreading).
    valid: a.status === 'read' && (parseMrz(a.lines)?.checkDigitsValid ?? false),
    ms,
    status: [...(a.status === 'read' ? ['ok'] : []), ...a.findings.map((f) => f.code)].join(','),
    best: a.lines,
    stage: a.stage,
    confidence: Number(a.confidence.toFixed(3)),
    repairs: a.repairs,
    ...(a.side ? { side: a.side } : {}),
  };
}

interface Errata {
  corrections: { first_line_file: string; line: number; from: string; to: string }[];
}

/**
 * Apply label corrections (fixtures/mrz-lines-errata.json) to an index: the entry whose first line file
 * (or photo) has that name gets `from` replaced by `to` in the given line. Every correction must apply.
 */
export function applyErrata<T extends IndexEntry>(entries: T[], errata: Errata): T[] {
  const out = entries.map((e) => ({ ...e, mrz: e.mrz.slice() }));
  for (const c of errata.corrections) {
    const e = out.find((x) => basename(x.line_files?.[0] ?? x.file ?? '') === c.first_line_file);
    const line = e?.mrz[c.line];
    if (!e || line === undefined || !line.includes(c.from))
      throw new Error(`errata: ${c.first_line_file} line ${c.line} has no '${c.from}' to correct`);
    e.mrz[c.line] = line.replace(c.from, c.to);
  }
  return out;
}

export async function evalMrz(
  indexPath: string,
  limit?: number,
  errataPath?: string,
  reportPath?: string,
): Promise<Record<string, unknown>> {
  const base = dirname(resolve(indexPath));
  let entries = JSON.parse(readFileSync(indexPath, 'utf8')) as IndexEntry[];
  if (errataPath) entries = applyErrata(entries, JSON.parse(readFileSync(errataPath, 'utf8')) as Errata);
  if (limit) entries = entries.slice(0, limit);
  const engine = await createDocumentEngine();
  const today = new Date();
  let exact = 0;
  let valid = 0;
  let wrongValid = 0;
  let undecodable = 0;
  // Documents printing check digits that do not verify: must come out MRZ_CHECK_DIGIT, never valid.
  let badCd = 0;
  let badCdReported = 0;
  let badCdValid = 0;
  let goodCd = 0;
  let goodCdExact = 0;
  const byType: Record<string, { n: number; exact: number; wrong_but_valid: number }> = {};
  const stages: Record<string, number> = {};
  const fieldOk: Record<string, number> = Object.fromEntries(FIELD_KEYS.map((k) => [k, 0]));
  const times: number[] = [];
  const tick = progressEvery('eval mrz', entries.length);
  // Per-entry outcomes (JSON lines) for whoever looks into the failures; it holds the MRZ texts.
  const report = reportPath ? openSync(reportPath, 'w') : null;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const r = await readEntry(engine, base, e);
    times.push(r.ms);
    const isExact = r.lines.length === e.mrz.length && r.lines.every((l, k) => l === e.mrz[k]);
    if (report) {
      const outcome =
        isExact && e.check_digits_valid !== false ? 'exact' : r.valid ? 'wrong_but_valid' : 'refused';
      writeSync(
        report,
        JSON.stringify({
          entry: e.line_files?.[0] ?? e.file,
          outcome,
          status: r.status,
          truth: e.mrz,
          read: r.best,
          best_reading_right: r.best.join() === e.mrz.join(),
          stage: r.stage,
          ...(e.doc_type ? { doc_type: e.doc_type } : {}),
          ...(e.check_digits_valid === false ? { check_digits_valid: false } : {}),
          ...(r.repairs?.length ? { repairs: r.repairs } : {}),
          ...(r.side ? { side: r.side } : {}),
          ...(r.confidence !== undefined ? { confidence: r.confidence } : {}),
          ms: Math.round(r.ms),
        }) + '\n',
      );
    }
    const printedValid = e.check_digits_valid !== false;
    // A document printing failing check digits has no "exact" valid reading: it must be refused.
    const exactOk = isExact && printedValid;
    if (exactOk) exact++;
    if (r.valid) valid++;
    if (r.valid && !exactOk) wrongValid++;
    if (r.stage === 'undecodable') undecodable++;
    if (printedValid) {
      goodCd++;
      if (exactOk) goodCdExact++;
    } else {
      badCd++;
      if (r.valid) badCdValid++;
      else if (r.status.split(',').includes('MRZ_CHECK_DIGIT') || r.status === 'check_digit') badCdReported++;
    }
    const t = e.doc_type ?? e.doc ?? (e.line_files ? `lines${e.line_files.length}` : 'photo');
    const bt = (byType[t] ??= { n: 0, exact: 0, wrong_but_valid: 0 });
    bt.n++;
    if (exactOk) bt.exact++;
    if (r.valid && !exactOk) bt.wrong_but_valid++;
    if (!r.valid) {
      const st = printedValid ? r.stage : `${r.stage}(printed_invalid)`;
      stages[st] = (stages[st] ?? 0) + 1;
    }
    const truth = evalFields(e.mrz, today);
    const got = r.lines.length ? evalFields(r.lines, today) : null;
    for (const k of FIELD_KEYS) if (truth && got && truth[k] === got[k]) fieldOk[k]!++;
    tick(i + 1);
  }
  if (report) closeSync(report);
  const n = entries.length;
  const rate = (x: number): number => Number((x / Math.max(1, n)).toFixed(4));
  return {
    n,
    ...(errataPath ? { errata: basename(errataPath) } : {}),
    exact: rate(exact),
    check_valid: rate(valid),
    wrong_but_valid: rate(wrongValid),
    fields: Object.fromEntries(FIELD_KEYS.map((k) => [k, rate(fieldOk[k]!)])),
    ms_per_image_p50: Number(percentile(times, 50).toFixed(1)),
    ms_per_image_max: Number(Math.max(0, ...times).toFixed(1)),
    ...(undecodable ? { undecodable } : {}),
    ...(badCd
      ? {
          check_digits_valid_docs: {
            n: goodCd,
            exact: Number((goodCdExact / Math.max(1, goodCd)).toFixed(4)),
          },
          check_digits_invalid_docs: {
            n: badCd,
            reported_check_digit: badCdReported,
            reported_valid: badCdValid,
          },
        }
      : {}),
    by_type: byType,
    refused_by_stage: stages,
  };
}

export function register({ evalCmd, benchCmd }: CliContext): void {
  evalCmd
    .command('mrz <index>')
    .description('MRZ reading accuracy on a labelled index ({file} photos or {line_files} line crops)')
    .option('--limit <n>', 'only the first n entries', (v) => Number.parseInt(v, 10))
    .option('--errata <file>', 'label corrections to apply first (e.g. fixtures/mrz-lines-errata.json)')
    .option('--report <file>', 'write one JSON line per entry: outcome, engine status, truth and reading')
    .action(async (index: string, o: { limit?: number; errata?: string; report?: string }) => {
      printResult(await evalMrz(index, o.limit, o.errata, o.report));
    });

  benchCmd
    .command('mrz')
    .description('CPU milliseconds per document photo (generated photos, all four French types)')
    .option('--n <n>', 'number of photos', (v) => Number.parseInt(v, 10), 20)
    .option('--seed <seed>', 'fixture seed', (v) => Number.parseInt(v, 10), 7)
    .action(async (o: { n: number; seed: number }) => {
      const { generateDocumentSet } = await import('../../fixtures/document-set.js');
      const dir = mkdtempSync(join(tmpdir(), 'idv-bench-mrz-'));
      try {
        progress(`generating ${o.n} document photos`);
        const index = await generateDocumentSet({ n: o.n, seed: o.seed, out: dir });
        const tLoad = performance.now();
        const engine = await createDocumentEngine();
        const loadMs = performance.now() - tLoad;
        const imgs = await Promise.all(index.map((e) => decodeImage(join(dir, e.file))));
        // Warm-up (WASM compilation, first-inference allocations) is not per-document cost.
        await engine.read({
          images: [imgs[0]!],
          allowedTypes: ['ID_CARD', 'PASSPORT', 'RESIDENCE_PERMIT'],
          minimumAge: 18,
        });
        const cpu: number[] = [];
        const wall: number[] = [];
        let read = 0;
        const tick = progressEvery('bench mrz', imgs.length);
        for (let i = 0; i < imgs.length; i++) {
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          const a = await engine.read({
            images: [imgs[i]!],
            allowedTypes: ['ID_CARD', 'PASSPORT', 'RESIDENCE_PERMIT'],
            minimumAge: 18,
          });
          wall.push(performance.now() - t0);
          const c = process.cpuUsage(c0);
          cpu.push((c.user + c.system) / 1000);
          if (a.status === 'read' && a.lines.join() === index[i]!.mrz.join()) read++;
          tick(i + 1);
        }
        printResult({
          n: imgs.length,
          cpu_ms_per_image_p50: Number(percentile(cpu, 50).toFixed(1)),
          cpu_ms_per_image_p95: Number(percentile(cpu, 95).toFixed(1)),
          cpu_ms_per_image_max: Number(Math.max(...cpu).toFixed(1)),
          wall_ms_per_image_p50: Number(percentile(wall, 50).toFixed(1)),
          model_load_ms: Number(loadMs.toFixed(1)),
          exact: Number((read / imgs.length).toFixed(4)),
          target_cpu_ms: 500,
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
}
