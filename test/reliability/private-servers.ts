// Private PostgreSQL and Redis servers on free loopback ports, for tests that stop and restart them (the machine's
// :5432 and :6379 are shared and never restarted). PostgreSQL refuses to run as root: as root, its commands run as
// the `postgres` account (Debian's package creates it).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

function pgBin(name: string): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(root, v, 'bin', name))) return join(root, v, 'bin', name);
  return name;
}

const asPostgres = (cmd: string, args: string[]): [string, string[]] =>
  process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];

export interface PrivatePg {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * `host`: the one address it listens on (default loopback; the multi-host test gives its services address);
 * `allow`: a CIDR whose clients are trusted besides loopback (initdb's trust covers loopback only).
 */
export async function startPrivatePg(o: { host?: string; allow?: string } = {}): Promise<PrivatePg> {
  const host = o.host ?? '127.0.0.1';
  const dir = mkdtempSync(join(tmpdir(), 'idv-pg-'));
  if (process.getuid?.() === 0) {
    const pw = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    chownSync(dir, Number(pw.stdout), Number(gid.stdout));
  }
  const data = join(dir, 'data');
  const port = await freePort();
  const [c, a] = asPostgres(pgBin('initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  const r = spawnSync(c, a, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`initdb failed: ${r.stderr}`);
  if (o.allow) appendFileSync(join(data, 'pg_hba.conf'), `host all all ${o.allow} trust\n`);
  let proc: ChildProcess | undefined;
  const start = async () => {
    const [cmd, args] = asPostgres(pgBin('postgres'), [
      '-D',
      data,
      '-p',
      String(port),
      '-h',
      host,
      '-k',
      dir,
      '-c',
      'fsync=off',
      '-c',
      'max_connections=100',
    ]);
    proc = spawn(cmd, args, { stdio: 'ignore' });
    const end = Date.now() + 30_000;
    for (;;) {
      const client = new pg.Client({ connectionString: `postgres://postgres@${host}:${port}/postgres` });
      const ok = await client.connect().then(
        () => client.end().then(() => true),
        () => false,
      );
      if (ok) return;
      if (Date.now() > end) {
        // Started but unreachable (e.g. refused by pg_hba): stop it, a failed start leaves nothing running.
        await stop().catch(() => undefined);
        throw new Error('private PostgreSQL did not start');
      }
      await new Promise((res) => setTimeout(res, 200));
    }
  };
  const stop = async () => {
    if (!proc || proc.exitCode !== null) return;
    const p = proc;
    const gone = new Promise((res) => p.once('exit', res));
    // SIGINT to the postmaster itself (runuser does not forward it): fast shutdown, connections cut as in an outage.
    const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(pid, 'SIGINT');
    await gone;
  };
  await start();
  return {
    url: `postgres://postgres@${host}:${port}/postgres`,
    start,
    stop,
    async destroy() {
      await stop();
      spawnSync('rm', ['-rf', dir]);
    },
  };
}

export interface PrivateRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** A redis-server with an append-only file in a private directory (kept across restarts). */
export async function startPrivateRedis(o: { host?: string } = {}): Promise<PrivateRedis> {
  const host = o.host ?? '127.0.0.1';
  const dir = mkdtempSync(join(tmpdir(), 'idv-redis-'));
  const port = await freePort();
  let proc: ChildProcess | undefined;
  const start = async () => {
    proc = spawn(
      'redis-server',
      [
        ...['--port', String(port), '--bind', host, '--protected-mode', 'no'],
        ...['--save', '', '--appendonly', 'yes', '--dir', dir],
      ],
      { stdio: 'ignore' },
    );
    const end = Date.now() + 15_000;
    for (;;) {
      const r = spawnSync('redis-cli', ['-h', host, '-p', String(port), 'ping'], { encoding: 'utf8' });
      if (r.stdout.includes('PONG')) return;
      if (Date.now() > end) throw new Error('private redis did not start');
      await new Promise((res) => setTimeout(res, 100));
    }
  };
  const stop = async () => {
    if (!proc || proc.exitCode !== null) return;
    const p = proc;
    const gone = new Promise((res) => p.once('exit', res));
    p.kill('SIGTERM'); // SHUTDOWN: the append-only file is flushed and kept
    await gone;
  };
  await start();
  return {
    url: `redis://${host}:${port}`,
    port,
    start,
    stop,
    async destroy() {
      await stop();
      spawnSync('rm', ['-rf', dir]);
    },
  };
}

export interface PrivateRedisCluster {
  /** host:port of every node, for REDIS_CLUSTER_NODES. */
  nodes: string[];
  ports: number[];
  destroy(): Promise<void>;
}

/** A port whose cluster bus port (port + 10000) is free as well, so both fit below 65536. */
async function freeClusterPort(taken: Set<number>): Promise<number> {
  const free = (p: number) =>
    new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(p, '127.0.0.1', () => s.close(() => resolve(true)));
    });
  for (;;) {
    const p = 20_000 + Math.floor(Math.random() * 30_000);
    if (!taken.has(p) && (await free(p)) && (await free(p + 10_000))) return p;
  }
}

/**
 * A Redis Cluster of `n` masters (no replicas) on loopback: `redis-server --cluster-enabled yes` nodes in a private
 * directory, joined with `redis-cli --cluster create`; resolves once every node reports cluster_state:ok.
 */
export async function startPrivateRedisCluster(n = 3): Promise<PrivateRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'idv-rcluster-'));
  const ports: number[] = [];
  const procs: ChildProcess[] = [];
  const destroy = async () => {
    await Promise.all(
      procs.map(async (p) => {
        if (p.exitCode !== null) return;
        const gone = new Promise((res) => p.once('exit', res));
        p.kill('SIGKILL');
        await gone;
      }),
    );
    spawnSync('rm', ['-rf', dir]);
  };
  try {
    for (let i = 0; i < n; i++) {
      const port = await freeClusterPort(new Set(ports));
      ports.push(port);
      procs.push(
        spawn(
          'redis-server',
          [
            '--port',
            String(port),
            '--bind',
            '127.0.0.1',
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            join(dir, `nodes-${port}.conf`),
            '--cluster-node-timeout',
            '5000',
            '--save',
            '',
            '--appendonly',
            'no',
            '--dir',
            dir,
          ],
          { stdio: 'ignore' },
        ),
      );
    }
    const cli = (port: number, ...args: string[]) =>
      spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).stdout ?? '';
    const until = async (what: string, ok: () => boolean) => {
      const end = Date.now() + 20_000;
      while (!ok()) {
        if (Date.now() > end) throw new Error(`private redis cluster: ${what}`);
        await new Promise((res) => setTimeout(res, 100));
      }
    };
    await until('nodes did not start', () => ports.every((p) => cli(p, 'ping').includes('PONG')));
    const nodes = ports.map((p) => `127.0.0.1:${p}`);
    const created = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'],
      { encoding: 'utf8' },
    );
    if (created.status !== 0)
      throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    await until('cluster not ok', () =>
      ports.every((p) => cli(p, 'cluster', 'info').includes('cluster_state:ok')),
    );
    return { nodes, ports, destroy };
  } catch (e) {
    await destroy();
    throw e;
  }
}
