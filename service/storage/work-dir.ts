// Private work directories for decrypted media. A `finally` never runs after SIGKILL or an OOM kill, so
// plaintext copies live only under one known root (DATA_DIR/work), in one directory per process named after
// its host, pid and start time; directories whose process is gone are wiped at start-up and by the sweep.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

const NAME_RE = /^(.+)\.(\d+)\.(\d+)\.([0-9a-f]{8})$/;
const own = new Map<string, string>();

/** The work root of a deployment. */
export function workRootOf(dataDir: string): string {
  return join(dataDir, 'work');
}

/** Host names may hold dots; the directory name keeps only safe characters. */
function hostTag(): string {
  return hostname().replace(/[^A-Za-z0-9-]/g, '_') || 'host';
}

/** Start time of a process (clock ticks since boot, /proc/<pid>/stat field 22); 0 where /proc is absent. */
function startTimeOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[19]);
  } catch {
    return process.platform === 'linux' ? undefined : 0;
  }
}

function alive(pid: number, start: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // A reused pid is another process: its start time differs.
  const now = startTimeOf(pid);
  return now === undefined ? false : start === 0 || now === start;
}

/** This process's private directory under `root` (0700), created on first use. */
export function processWorkDir(root: string): string {
  let dir = own.get(root);
  if (!dir) {
    const name = `${hostTag()}.${process.pid}.${startTimeOf(process.pid) ?? 0}.${randomBytes(4).toString('hex')}`;
    dir = join(root, name);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    own.set(root, dir);
  }
  return dir;
}

/**
 * Removes the work directories of processes of this host that no longer run (and anything else under the root
 * that is not a process directory). Returns how many entries were removed.
 */
export async function sweepWorkDirs(root: string): Promise<number> {
  const entries = await readdir(root).catch(() => [] as string[]);
  const host = hostTag();
  const mine = own.get(root);
  let removed = 0;
  for (const e of entries) {
    const path = join(root, e);
    if (path === mine) continue;
    const m = NAME_RE.exec(e);
    if (m && m[1] !== host) continue; // another host's process sharing DATA_DIR: its own sweep handles it
    if (m && alive(Number(m[2]), Number(m[3]))) continue;
    await rm(path, { recursive: true, force: true });
    removed++;
  }
  return removed;
}
