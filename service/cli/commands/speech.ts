// `idv eval digits`, `idv bench speech`, `idv speech make-manifest|verify`: the speech engine's CLI (thin wrappers).
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import type { CliContext } from '../index.js';
import { percentile, printResult, progress, progressEvery } from '../output.js';
import { createSpeechEngine, parseWav, type SpeechLang } from '../../speech/index.js';
import {
  buildFsddSet,
  buildSingleVoiceSet,
  buildSynthSet,
  randomDigits,
  seededRandom,
} from '../../speech/dev-sets.js';
import { evaluateDigits } from '../../speech/evaluate.js';
import {
  evaluateFrenchConfusions,
  evaluateNegatives,
  evaluateNonDigitDir,
  evaluateRecordedFrenchConfusions,
} from '../../speech/negatives.js';
import { digitsToText, synthesize } from '../../speech/synth.js';
import type { SpeechEngine } from '../../speech/engine.js';
import { generateCaseSpeech } from '../../fixtures/case.js';
import { recordedDigitsDir, type FixtureVoice } from '../../fixtures/speech-audio.js';

function lang(v: string): SpeechLang {
  if (v !== 'fr' && v !== 'en') throw new Error('lang must be fr or en');
  return v;
}

function range(v: string): [number, number] {
  const m = /^(\d+)-(\d+)$/.exec(v);
  if (!m) throw new Error('range must look like 0-24');
  return [Number(m[1]), Number(m[2])];
}

/**
 * Speech verdicts of generated genuine cases (the fixture generator's voice and timing, its challenge): every one
 * should match, else a genuine test case goes to review as DIGITS_UNCERTAIN.
 */
async function evaluateGeneratedCases(
  engine: SpeechEngine,
  [from, to]: [number, number],
  langs: SpeechLang[],
  voice: FixtureVoice,
): Promise<Record<string, { n: number; match: number; decisions: Record<string, number>; voice: string }>> {
  const out: Record<string, { n: number; match: number; decisions: Record<string, number>; voice: string }> =
    {};
  for (const l of langs) {
    const r = { n: 0, match: 0, decisions: {} as Record<string, number>, voice: '' };
    for (let seed = from; seed <= to; seed++) {
      const c = await generateCaseSpeech({ seed, lang: l, voice });
      const v = await engine.verify({ audio: c.speech, expected: c.digits, lang: l });
      r.n++;
      if (v.decision === 'match') r.match++;
      r.decisions[v.decision] = (r.decisions[v.decision] ?? 0) + 1;
      r.voice = c.speech.voice;
    }
    progress(`eval digits: generated cases ${l} ${r.match}/${r.n} match`);
    out[l] = r;
  }
  return out;
}

export function register({ program, evalCmd, benchCmd }: CliContext): void {
  evalCmd
    .command('digits [manifests...]')
    .description(
      'Spoken-digit verification per manifest (audio digits lang): genuine, random-impostor and one-digit-different ' +
        'trials; optionally non-digit speech (real recordings, generated noise/silence/sentences, French et/euh/septante)',
    )
    .option('--seed <n>', 'seed of the impostor challenges', '7')
    .option('--limit <n>', 'only the first N utterances of each manifest')
    .option(
      '--trials <file>',
      'write every trial as JSON lines (scores, decisions; no audio) for threshold tuning',
    )
    .option(
      '--non-digit <dir:lang>',
      'folder of 16 kHz mono WAV speech without a three-digit answer (repeatable), e.g. talking-face audio:en',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('--per-clip <n>', 'random challenges per non-digit clip', '3')
    .option('--negatives <n>', 'generated silence/noise/tone/music/sentence clips per kind (0: none)', '0')
    .option(
      '--recorded-confusions [dir]',
      'French et/onze/dix-sept/soixante-dix confusions spoken by a recorded voice (default: the asterisk French digits)',
    )
    .option(
      '--fixture-seeds <range>',
      'the spoken challenge of generated genuine cases with these seeds (e.g. 1-20), as `idv fixtures case` makes it',
    )
    .option('--fixture-lang <langs>', 'languages of the generated cases, comma-separated', 'fr,en')
    .option('--fixture-voice <voice>', 'auto (a recorded voice when installed) or espeak', 'auto')
    .option(
      '--french-confusions',
      'French et/euh/septante/nonante clips (espeak-ng, 3 voices) vs every digit',
    )
    .action(
      async (
        manifests: string[],
        o: {
          seed: string;
          limit?: string;
          trials?: string;
          nonDigit: string[];
          perClip: string;
          negatives: string;
          frenchConfusions?: boolean;
          fixtureSeeds?: string;
          fixtureLang: string;
          fixtureVoice: string;
          recordedConfusions?: string | boolean;
        },
      ) => {
        const engine = createSpeechEngine();
        if (o.trials) writeFileSync(o.trials, '');
        const t0 = Date.now();
        try {
          const sets: Record<string, unknown> = {};
          for (const manifest of manifests) {
            let report: ((done: number) => void) | undefined;
            sets[manifest] = await evaluateDigits(engine, manifest, {
              seed: Number(o.seed),
              ...(o.limit ? { limit: Number(o.limit) } : {}),
              onProgress: (done, total) => (report ??= progressEvery(`eval digits ${manifest}`, total))(done),
              ...(o.trials
                ? {
                    onTrial: (t) => appendFileSync(o.trials!, JSON.stringify({ manifest, ...t }) + '\n'),
                  }
                : {}),
            });
          }
          const nonDigit: Record<string, unknown> = {};
          for (const spec of o.nonDigit) {
            const m = /^(.*):(fr|en)$/.exec(spec);
            if (!m) throw new Error('--non-digit must look like DIR:en or DIR:fr');
            progress(`eval digits: non-digit speech in ${m[1]}`);
            nonDigit[spec] = await evaluateNonDigitDir(
              engine,
              m[1]!,
              lang(m[2]!),
              Number(o.perClip),
              Number(o.seed),
            );
          }
          const generated =
            Number(o.negatives) > 0
              ? await evaluateNegatives(engine, Number(o.negatives), Number(o.seed))
              : undefined;
          const frenchConfusions = o.frenchConfusions
            ? await evaluateFrenchConfusions(engine, [
                { speed: 120, pitch: 35 },
                { speed: 160, pitch: 50, variant: '+f2' },
                { speed: 200, pitch: 70, variant: '+m3' },
              ])
            : undefined;
          const recordedDir =
            typeof o.recordedConfusions === 'string' ? o.recordedConfusions : recordedDigitsDir('fr');
          if (o.recordedConfusions && !recordedDir) throw new Error('no recorded French voice installed');
          const recordedConfusions =
            o.recordedConfusions && recordedDir
              ? await evaluateRecordedFrenchConfusions(engine, recordedDir, Number(o.seed))
              : undefined;
          const fixtures = o.fixtureSeeds
            ? await evaluateGeneratedCases(
                engine,
                range(o.fixtureSeeds),
                o.fixtureLang.split(',').map(lang),
                o.fixtureVoice === 'espeak' ? 'espeak' : 'auto',
              )
            : undefined;
          printResult({
            sets,
            ...(fixtures ? { generated_cases: fixtures } : {}),
            ...(recordedConfusions ? { recorded_french_confusions: recordedConfusions } : {}),
            ...(o.nonDigit.length ? { non_digit: nonDigit } : {}),
            ...(generated ? { generated_negatives: generated } : {}),
            ...(frenchConfusions ? { french_confusions: frenchConfusions } : {}),
            targets: {
              en_genuine_accept: 0.97,
              fr_genuine_accept: 0.95,
              false_accept: 0.005,
              false_accept_one_digit: 0.005,
              non_digit_match: 0,
            },
            seconds: Math.round((Date.now() - t0) / 1000),
          });
        } finally {
          engine.close();
        }
      },
    );

  evalCmd
    .command('digits-negatives')
    .description('Silence, noise, tones, music and sentences without digits: none may match a challenge')
    .option('--n <n>', 'clips per kind', '6')
    .option('--seed <n>', 'random seed', '1')
    .action(async (o: { n: string; seed: string }) => {
      const engine = createSpeechEngine();
      try {
        printResult(await evaluateNegatives(engine, Number(o.n), Number(o.seed)));
      } finally {
        engine.close();
      }
    });

  benchCmd
    .command('speech')
    .description('CPU time per 3-digit utterance (espeak-ng voices at varied speeds, both languages)')
    .option('--n <n>', 'utterances per language', '10')
    .option('--seed <n>', 'seed of the digits', '1')
    .action(async (o: { n: string; seed: string }) => {
      const engine = createSpeechEngine();
      try {
        const rand = seededRandom(Number(o.seed));
        const clips: { lang: SpeechLang; digits: string; audio: ReturnType<typeof synthesize> }[] = [];
        for (const l of ['fr', 'en'] as const) {
          for (let i = 0; i < Number(o.n); i++) {
            const digits = randomDigits(rand);
            clips.push({
              lang: l,
              digits,
              audio: synthesize(l, digitsToText(l, digits), { speed: 130 + Math.floor(rand() * 60) }),
            });
          }
        }
        const w0 = process.cpuUsage();
        await engine.warmup();
        const warm = process.cpuUsage(w0);
        const cpu: number[] = [];
        const audioSec: number[] = [];
        let matched = 0;
        const tick = progressEvery('bench speech', clips.length);
        for (const [i, c] of clips.entries()) {
          const c0 = process.cpuUsage();
          const r = await engine.verify({ audio: c.audio, expected: c.digits, lang: c.lang });
          const d = process.cpuUsage(c0);
          cpu.push((d.user + d.system) / 1000);
          audioSec.push(c.audio.samples.length / c.audio.sampleRate);
          if (r.decision === 'match') matched++;
          tick(i + 1);
        }
        printResult({
          n: clips.length,
          cpu_ms_per_utterance_p50: Math.round(percentile(cpu, 50)),
          cpu_ms_per_utterance_p90: Math.round(percentile(cpu, 90)),
          audio_sec_p50: Math.round(percentile(audioSec, 50) * 100) / 100,
          warmup_cpu_ms: Math.round((warm.user + warm.system) / 1000),
          matched: matched / clips.length,
          target_ms: 300,
        });
      } finally {
        engine.close();
      }
    });

  const speech = program.command('speech').description('Spoken challenge digits');
  speech
    .command('make-manifest')
    .description('Build 3-digit utterances (16 kHz WAV) and manifest.tsv from single-digit recordings')
    .option('--fsdd <dir>', 'FSDD folder with <digit>_<speaker>_<take>.wav')
    .option('--speakers <list>', 'FSDD speakers, comma-separated', 'george,jackson,lucas')
    .option('--takes <range>', 'FSDD take range, e.g. 0-24 (dev) or 25-49 (test)')
    .option(
      '--asterisk <dir>',
      'folder with <digit>.wav of one voice (e.g. /usr/share/asterisk/sounds/fr/digits)',
    )
    .option('--lang <lang>', 'language of the --asterisk or --espeak voices', 'fr')
    .option(
      '--espeak <voices>',
      'espeak-ng voices speed:pitch[:variant], comma-separated, e.g. 120:35,160:50:+f2,200:70:+m3',
    )
    .option('--reverb', 'add room reverberation (espeak sets)')
    .option('--snr <range>', 'add noise at this speech-to-noise ratio range in dB, e.g. 10-30 (espeak sets)')
    .option('--n <n>', 'number of utterances', '120')
    .option('--seed <n>', 'random seed', '1')
    .requiredOption('--out <dir>', 'output folder')
    .action(
      (o: {
        fsdd?: string;
        speakers: string;
        takes?: string;
        asterisk?: string;
        lang: string;
        espeak?: string;
        reverb?: boolean;
        snr?: string;
        n: string;
        seed: string;
        out: string;
      }) => {
        const common = { n: Number(o.n), seed: Number(o.seed), out: o.out };
        let rows;
        if (o.fsdd) {
          rows = buildFsddSet({
            ...common,
            dir: o.fsdd,
            speakers: o.speakers.split(','),
            ...(o.takes ? { takes: range(o.takes) } : {}),
          });
        } else if (o.asterisk) {
          rows = buildSingleVoiceSet({ ...common, dir: o.asterisk, lang: lang(o.lang) });
        } else if (o.espeak) {
          const voices = o.espeak.split(',').map((v) => {
            const [speed, pitch, variant] = v.split(':');
            return { speed: Number(speed), pitch: Number(pitch), ...(variant ? { variant } : {}) };
          });
          rows = buildSynthSet({
            ...common,
            lang: lang(o.lang),
            voices,
            ...(o.reverb ? { reverb: true } : {}),
            ...(o.snr ? { snrDb: range(o.snr) } : {}),
          });
        } else {
          throw new Error('give --fsdd, --asterisk or --espeak');
        }
        progress(`wrote ${rows.length} utterances to ${o.out}`);
        printResult({ n: rows.length, out: o.out, manifest: `${o.out}/manifest.tsv` });
      },
    );
  speech
    .command('verify <wav>')
    .description('Verify one WAV file against expected digits (prints the verification as JSON)')
    .requiredOption('--expected <digits>', 'the challenge, e.g. 471')
    .option('--lang <lang>', 'fr or en', 'fr')
    .action(async (wav: string, o: { expected: string; lang: string }) => {
      const engine = createSpeechEngine();
      try {
        const r = await engine.verify({
          audio: parseWav(readFileSync(wav)),
          expected: o.expected,
          lang: lang(o.lang),
        });
        printResult(r);
      } finally {
        engine.close();
      }
    });
}
