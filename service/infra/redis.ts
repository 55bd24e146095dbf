// Redis connections for BullMQ. maxRetriesPerRequest must be null for blocking BullMQ commands;
// the client reconnects forever so that a Redis restart never loses a worker.
import { Redis, type RedisOptions } from 'ioredis';

export function createRedis(url: string, opts: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (n) => Math.min(100 * 2 ** Math.min(n, 6), 5000),
    lazyConnect: false,
    ...opts,
  });
}

export async function pingRedis(r: Redis, timeoutMs = 1000): Promise<void> {
  await Promise.race([
    r.ping(),
    new Promise((_, rej) => setTimeout(() => rej(new Error('redis ping timed out')), timeoutMs)),
  ]);
}
