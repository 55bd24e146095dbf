// CPU time of this process plus its finished child processes (ffmpeg, ffprobe), for honest benchmarks:
// process.cpuUsage() covers only Node itself; the kernel adds each reaped child's time to cutime/cstime.
import { readdirSync, readFileSync } from 'node:fs';

/** /proc reports in USER_HZ, which Linux fixes at 100 for user space. */
const USER_HZ = 100;

export interface CpuTimes {
  selfMs: number;
  /** Children that have exited and been waited for; 0 where /proc is unavailable. */
  childrenMs: number;
}

export function cpuTimes(): CpuTimes {
  const u = process.cpuUsage();
  return { selfMs: (u.user + u.system) / 1000, childrenMs: childrenCpuMs() };
}

function childrenCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name (which may contain spaces, hence the last ')'): state is field 3;
    // cutime and cstime are fields 16 and 17.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cutime = Number(rest[16 - 3]);
    const cstime = Number(rest[17 - 3]);
    return ((cutime + cstime) * 1000) / USER_HZ;
  } catch {
    return 0;
  }
}

/**
 * CPU ms used so far by the given processes and all their descendants, alive or reaped by a process of the
 * tree (utime + stime + cutime + cstime of every live member), so the difference of two readings is the CPU
 * the tree spent between them, whatever else the machine runs. Linux only; 0 where /proc is unavailable.
 */
export function processTreeCpuMs(roots: number[]): number {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return 0;
  }
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const d of entries) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Fields 4 (ppid) and 14–17 (utime, stime, cutime, cstime), counted from 1 with state as field 3.
      const f = (n: number) => Number(rest[n - 3]);
      stats.set(Number(d), { ppid: f(4), ticks: f(14) + f(15) + f(16) + f(17) });
    } catch {
      // The process exited while /proc was being read: its time is in its parent's cutime by now.
    }
  }
  const children = new Map<number, number[]>();
  for (const [pid, s] of stats) {
    const list = children.get(s.ppid);
    if (list) list.push(pid);
    else children.set(s.ppid, [pid]);
  }
  let ticks = 0;
  const todo = roots.filter((p) => stats.has(p));
  const seen = new Set<number>();
  while (todo.length) {
    const pid = todo.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    ticks += stats.get(pid)!.ticks;
    todo.push(...(children.get(pid) ?? []));
  }
  return (ticks * 1000) / USER_HZ;
}
