// Conventions of every `idv eval`/`bench` command: progress on stderr, one JSON object as the last stdout line.
export function progress(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

/** A progress reporter that prints at most every `everyMs` milliseconds, plus the final item. */
export function progressEvery(label: string, total: number, everyMs = 2000): (done: number) => void {
  let last = 0;
  return (done: number) => {
    const now = Date.now();
    if (done === total || now - last >= everyMs) {
      last = now;
      progress(`${label}: ${done}/${total}`);
    }
  };
}

export function printResult(obj: unknown): void {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const idx = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[idx]!;
}
