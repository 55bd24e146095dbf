// `idv loadtest`: the ops load test against a running service on loopback (see service/ops/loadtest.ts).
import { resolve } from 'node:path';
import type { CliContext } from '../index.js';
import { printResult, progress } from '../output.js';
import { runLoadtest } from '../../ops/loadtest.js';

function num(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`${name}: not a number: ${v}`);
    return n;
  };
}

interface LoadtestCliOptions {
  rate: number;
  count: number;
  url: string;
  apiKey?: string;
  metricsToken?: string;
  timeoutS: number;
  casesDir: string;
  pool: number;
}

export function register({ program }: CliContext): void {
  program
    .command('loadtest')
    .description(
      'Submit generated cases to a running service on loopback at a fixed rate and report decision latency and queue wait',
    )
    .requiredOption('--rate <n>', 'submissions per second', num('--rate'))
    .requiredOption('--count <n>', 'cases to submit in total', num('--count'))
    .option('--url <url>', 'service base URL (loopback only)', `http://127.0.0.1:${process.env.PORT ?? 8080}`)
    .option('--api-key <key>', 'business-service API key (default: first of API_KEYS)')
    .option('--metrics-token <token>', 'bearer token of /metrics (default: METRICS_TOKEN)')
    .option('--timeout-s <n>', 'hard stop for the whole run, seconds', num('--timeout-s'), 600)
    .option('--cases-dir <dir>', 'where generated cases are kept and reused', '.data/loadtest-cases')
    .option('--pool <n>', 'distinct generated cases reused round-robin', num('--pool'), 2)
    .action(async (o: LoadtestCliOptions) => {
      const apiKey = o.apiKey ?? process.env.API_KEYS?.split(',')[0]?.trim();
      if (!apiKey) throw new Error('an API key is required: --api-key or API_KEYS');
      const result = await runLoadtest({
        url: o.url,
        rate: o.rate,
        count: o.count,
        apiKey,
        metricsToken: o.metricsToken ?? process.env.METRICS_TOKEN,
        timeoutS: o.timeoutS,
        casesDir: resolve(o.casesDir),
        pool: o.pool,
        log: progress,
      });
      progress(
        `loadtest: ${result.decided}/${result.count} decided in ${result.durationS} s (${result.throughputPerMin}/min), ` +
          `latency p50 ${result.decisionLatencyS.p50} s p95 ${result.decisionLatencyS.p95} s p99 ${result.decisionLatencyS.p99} s, ` +
          `queue wait p95 ${result.queueWaitP95S ?? 'n/a'} s, errors ${result.errors}`,
      );
      printResult(result);
    });
}
