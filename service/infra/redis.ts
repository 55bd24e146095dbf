// Redis connections for BullMQ, to one server (REDIS_URL) or to a Redis Cluster (REDIS_CLUSTER_NODES).
// maxRetriesPerRequest must be null for blocking BullMQ commands; the client reconnects forever so that a Redis
// restart never loses a worker.
import { Cluster, Redis, type RedisOptions } from 'ioredis';

/** A client of either kind: BullMQ and every caller here use only commands both have. */
export type RedisClient = Redis | Cluster;

export interface HostPort {
  host: string;
  port: number;
}

/** Where Redis is: a URL (one server), or the seed nodes of a cluster plus the URL's credentials and TLS. */
export type RedisTarget = string | { url: string; cluster: readonly HostPort[] };

/** The target named by the configuration: the cluster when REDIS_CLUSTER_NODES lists nodes. */
export function redisTarget(c: { REDIS_URL: string; REDIS_CLUSTER_NODES?: readonly HostPort[] }): RedisTarget {
  return c.REDIS_CLUSTER_NODES?.length ? { url: c.REDIS_URL, cluster: c.REDIS_CLUSTER_NODES } : c.REDIS_URL;
}

const retryStrategy = (n: number) => Math.min(100 * 2 ** Math.min(n, 6), 5000);

export function createRedis(target: RedisTarget, opts: RedisOptions = {}): RedisClient {
  const base: RedisOptions = { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false };
  if (typeof target === 'string') return new Redis(target, { ...base, retryStrategy, ...opts });
  // Credentials and TLS (rediss:) come from REDIS_URL, the nodes from the list (a cluster has no database number).
  const u = new URL(target.url);
  const fromUrl: RedisOptions = {
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
  const { lazyConnect, ...nodeOpts } = { ...base, ...fromUrl, ...opts };
  return new Cluster([...target.cluster], {
    redisOptions: nodeOpts,
    lazyConnect,
    enableReadyCheck: true,
    enableOfflineQueue: opts.enableOfflineQueue ?? true,
    // Reconnect forever, as for one server; slot moves during a resharding are followed.
    maxRedirections: 32,
    clusterRetryStrategy: retryStrategy,
  });
}

export async function pingRedis(r: RedisClient, timeoutMs = 1000): Promise<void> {
  await Promise.race([
    r.ping(),
    new Promise((_, rej) => setTimeout(() => rej(new Error('redis ping timed out')), timeoutMs)),
  ]);
}
