// Simulated hosts for multi-host tests: one network namespace per host, joined to the test's own namespace by a
// veth pair on a private /30, and one "services" address on an interface of the test's namespace where the
// shared servers (PostgreSQL, Redis, S3) listen. Each namespace has routes to the services address and nothing
// else: with forwarding off, the hosts reach the services and the test reaches the hosts, never one host another.
// Everything is named after the test process's pid, so namespaces left by a test that died are found and removed.
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';

export interface SimHost {
  name: string;
  /** Network namespace name. */
  ns: string;
  /** The host's address (inside its namespace). */
  addr: string;
}

export interface SimNetwork {
  hosts: SimHost[];
  /** The address the shared servers listen on (reachable from every host and from the test). */
  servicesAddr: string;
  /** The whole private network (CIDR): the hosts' and the services' addresses. */
  network: string;
  host(name: string): SimHost;
  /** Starts a process inside a host's namespace (its own process group). */
  spawnIn(name: string, cmd: string, args: string[], opts?: SpawnOptions): ChildProcess;
  /** SIGKILLs every process of a host, as a machine that loses power. Returns how many there were. */
  kill(name: string): number;
  /** Kills every process of every host and removes the namespaces and links. Idempotent. */
  destroy(): void;
}

const NS_PREFIX = 'idv-mh-';

function ip(...args: string[]): string {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
  return r.stdout;
}

function pidsIn(ns: string): number[] {
  const r = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map(Number);
}

function killAllIn(ns: string): number {
  const pids = pidsIn(ns);
  for (const p of pids) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  return pids.length;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Removes namespaces and links of earlier runs whose test process is gone (a crash or a kill -9 of vitest). */
export function removeStaleNetworks(): void {
  const names = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n');
  for (const line of names) {
    const ns = line.split(' ')[0] ?? '';
    const m = new RegExp(`^${NS_PREFIX}(\\d+)-`).exec(ns);
    if (!m || alive(Number(m[1]))) continue;
    killAllIn(ns);
    spawnSync('ip', ['netns', 'del', ns]);
  }
  const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout.split('\n');
  for (const l of links) {
    const m = /^\d+: (idv[hs](\d+)[a-z0-9]*)[@:]/.exec(l);
    if (m && !alive(Number(m[2]))) spawnSync('ip', ['link', 'del', m[1]!]);
  }
}

/** Creates one namespace per name. `subnet` is the third octet of 10.213.x.0/24 (one network per test run). */
export function createSimNetwork(names: string[], subnet = 1 + (process.pid % 250)): SimNetwork {
  removeStaleNetworks();
  const tag = String(process.pid);
  const net = `10.213.${subnet}`;
  const servicesAddr = `${net}.254`;
  const dummy = `idvs${tag}`;
  const hosts: SimHost[] = [];
  const links: string[] = [];
  let destroyed = false;
  const destroy = () => {
    if (destroyed) return;
    destroyed = true;
    for (const h of hosts) {
      killAllIn(h.ns);
      spawnSync('ip', ['netns', 'del', h.ns]);
    }
    for (const l of links) spawnSync('ip', ['link', 'del', l], { stdio: 'ignore' });
  };
  // A vitest worker that exits without afterAll (an uncaught error, a timeout) still removes them.
  process.once('exit', destroy);
  try {
    // A veth pair left in the test's namespace stands in for a dummy interface (no dummy module in containers).
    ip('link', 'add', dummy, 'type', 'veth', 'peer', 'name', `idvt${tag}`);
    links.push(dummy);
    ip('addr', 'add', `${servicesAddr}/32`, 'dev', dummy);
    ip('link', 'set', `idvt${tag}`, 'up');
    ip('link', 'set', dummy, 'up');
    names.forEach((name, i) => {
      const ns = `${NS_PREFIX}${tag}-${name}`;
      const outer = `idvh${tag}x${i}`;
      const inner = `idvn${tag}x${i}`;
      const hostSide = `${net}.${4 * i + 1}`;
      const addr = `${net}.${4 * i + 2}`;
      ip('netns', 'add', ns);
      hosts.push({ name, ns, addr });
      ip('link', 'add', outer, 'type', 'veth', 'peer', 'name', inner);
      links.push(outer);
      ip('link', 'set', inner, 'netns', ns);
      ip('addr', 'add', `${hostSide}/30`, 'dev', outer);
      ip('link', 'set', outer, 'up');
      ip('-n', ns, 'addr', 'add', `${addr}/30`, 'dev', inner);
      ip('-n', ns, 'link', 'set', inner, 'up');
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      ip('-n', ns, 'route', 'add', `${servicesAddr}/32`, 'via', hostSide);
    });
  } catch (e) {
    destroy();
    throw e;
  }
  const host = (name: string) => {
    const h = hosts.find((x) => x.name === name);
    if (!h) throw new Error(`no simulated host ${name}`);
    return h;
  };
  return {
    hosts,
    servicesAddr,
    network: `${net}.0/24`,
    host,
    spawnIn(name, cmd, args, opts = {}) {
      return spawn('ip', ['netns', 'exec', host(name).ns, cmd, ...args], { detached: true, ...opts });
    },
    kill: (name) => killAllIn(host(name).ns),
    destroy,
  };
}
