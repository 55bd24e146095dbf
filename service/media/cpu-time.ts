// CPU time of this process plus its finished child processes (ffmpeg, ffprobe), for honest benchmarks:
// process.cpuUsage() covers only Node itself; the kernel adds each reaped child's time to cutime/cstime.
import { readFileSync } from 'node:fs';

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
