// Worker processes for the integration tests: the real entry point (service/main.ts, ROLE=worker) in its own
// process group, so that a SIGKILL takes down the worker with its sandboxed children and face workers.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Config } from '../../service/config/index.js';

export function workerEnv(c: Config, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    ROLE: 'worker',
    LOG_LEVEL: 'warn',
    DATA_DIR: c.DATA_DIR,
    DATABASE_URL: c.DATABASE_URL ?? '',
    REDIS_URL: c.REDIS_URL,
    QUEUE_PREFIX: c.QUEUE_PREFIX,
    MEDIA_ENCRYPTION_KEY: c.MEDIA_ENCRYPTION_KEY,
    API_KEYS: c.API_KEYS.join(','),
    WEBHOOK_SECRET: c.WEBHOOK_SECRET,
    FACE_WORKERS: String(c.FACE_WORKERS),
    PIPELINE_CONCURRENCY: String(c.PIPELINE_CONCURRENCY),
    PIPELINE_BACKOFF_MS: String(c.PIPELINE_BACKOFF_MS),
    PIPELINE_SWEEP_SECONDS: String(c.PIPELINE_SWEEP_SECONDS),
    ...extra,
  };
}

export function spawnWorker(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'service/main.ts'], {
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.on('data', (d: Buffer) => {
    if (process.env.IDV_TEST_VERBOSE) process.stderr.write(d);
  });
  return child;
}

/** SIGKILL the whole process group (worker + its children), like a machine losing the process. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.pid && child.exitCode === null) {
    try {
      process.kill(-child.pid, signal);
    } catch {
      /* already gone */
    }
  }
}

export async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || !child.pid) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  killGroup(child, 'SIGTERM');
  const t = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(t);
}
