// The deployment's BullMQ handles, built once (service/compose.ts) from the vocabulary in jobs.ts: one Queue per
// queue name, the flow producer, and fresh connections for workers (a Worker blocks on its connection).
import { FlowProducer, Queue } from 'bullmq';
import { createRedis, type RedisClient, type RedisTarget } from '../infra/redis.js';
import { QUEUE, bullPrefix, type JobOf, type QueueKey } from './jobs.js';

export type Queues = { readonly [K in QueueKey]: Queue<JobOf[K]> };

/** Every queue, in the vocabulary's order (ops watches them all). */
export function allQueues(q: Queues): Queue[] {
  return (Object.keys(QUEUE) as QueueKey[]).map((k) => q[k] as Queue);
}

export interface PipelineQueues extends Queues {
  /** BullMQ key prefix of every queue. */
  prefix: string;
  flow: FlowProducer;
  /** A fresh connection for a Worker (workers block on their connection); closed with the queues. */
  workerConnection(): RedisClient;
  close(): Promise<void>;
}

export function createPipelineQueues(redis: RedisTarget, queuePrefix: string): PipelineQueues {
  const connection = createRedis(redis);
  connection.on('error', () => undefined); // reconnects by itself; readiness reports the outage
  const prefix = bullPrefix(queuePrefix);
  const opts = { connection, prefix };
  const extra: RedisClient[] = [];
  const queues = Object.fromEntries(
    (Object.keys(QUEUE) as QueueKey[]).map((k) => [k, new Queue(QUEUE[k], opts)]),
  ) as unknown as Queues;
  const flow = new FlowProducer(opts);
  return {
    ...queues,
    prefix,
    flow,
    workerConnection() {
      const c = createRedis(redis);
      c.on('error', () => undefined);
      extra.push(c);
      return c;
    },
    async close() {
      await Promise.all(
        [...allQueues(queues), flow].map((x: Queue | FlowProducer) => x.close().catch(() => undefined)),
      );
      for (const c of [connection, ...extra]) c.disconnect();
    },
  };
}
