// The pipeline's BullMQ handles (queues and the flow producer), built from the names in queue-names.ts.
import { FlowProducer, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { createRedis } from '../infra/redis.js';
import { QUEUE, bullPrefix } from './queue-names.js';
import type { DecideJob, DocumentJob, FaceJob, IngestJob, OutboxJob, SpeechJob } from './jobs.js';

export interface PipelineQueues {
  prefix: string;
  ingest: Queue<IngestJob>;
  document: Queue<DocumentJob>;
  face: Queue<FaceJob>;
  speech: Queue<SpeechJob>;
  decide: Queue<DecideJob>;
  outbox: Queue<OutboxJob>;
  flow: FlowProducer;
  /** A fresh connection for a Worker (workers block on their connection). */
  workerConnection(): Redis;
  close(): Promise<void>;
}

export function createPipelineQueues(redisUrl: string, queuePrefix: string): PipelineQueues {
  const connection = createRedis(redisUrl);
  connection.on('error', () => undefined); // reconnects by itself; readiness reports the outage
  const prefix = bullPrefix(queuePrefix);
  const opts = { connection, prefix };
  const extra: Redis[] = [];
  const q = {
    prefix,
    ingest: new Queue<IngestJob>(QUEUE.ingest, opts),
    document: new Queue<DocumentJob>(QUEUE.document, opts),
    face: new Queue<FaceJob>(QUEUE.face, opts),
    speech: new Queue<SpeechJob>(QUEUE.speech, opts),
    decide: new Queue<DecideJob>(QUEUE.decide, opts),
    outbox: new Queue<OutboxJob>(QUEUE.outbox, opts),
    flow: new FlowProducer(opts),
    workerConnection() {
      const c = createRedis(redisUrl);
      c.on('error', () => undefined);
      extra.push(c);
      return c;
    },
    async close() {
      await Promise.all(
        [q.ingest, q.document, q.face, q.speech, q.decide, q.outbox, q.flow].map((x) =>
          x.close().catch(() => undefined),
        ),
      );
      for (const c of [connection, ...extra]) c.disconnect();
    },
  };
  return q;
}
