import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { processTreeCpuMs } from '../../service/media/cpu-time.js';

// Burns 400 ms of its own CPU time (not wall time: on a loaded machine a wall-clock loop gets less CPU).
const BURN =
  'const c = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }; const t = c(); while (c() - t < 400) {}';

describe('processTreeCpuMs', () => {
  it('counts the CPU of a process tree, including a grandchild that has exited', async () => {
    // On a word from us, a child starts a grandchild burning ~400 ms of CPU, waits for it, then stays alive.
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const { spawnSync } = require('node:child_process');
         process.stdout.write('ready\\n');
         process.stdin.once('data', () => {
           spawnSync(process.execPath, ['-e', ${JSON.stringify(BURN)}]);
           process.stdout.write('done\\n');
         });`,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const line = () => new Promise<void>((res) => child.stdout!.once('data', () => res()));
    try {
      await line();
      const before = processTreeCpuMs([child.pid!]);
      child.stdin!.write('go\n');
      await line();
      const after = processTreeCpuMs([child.pid!]);
      // The grandchild's time reached the child's cutime when it was reaped.
      expect(after - before).toBeGreaterThanOrEqual(300);
      expect(after - before).toBeLessThan(5000);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('is 0 for a process that does not exist', () => {
    expect(processTreeCpuMs([2 ** 22 + 12345])).toBe(0);
  });
});
