// The service on a real Redis Cluster (three local `redis-server --cluster-enabled yes` masters made by the test):
// REDIS_CLUSTER_NODES switches every connection (queues, flows, workers, queue events, rate limits) to ioredis
// Cluster, and the hash-tagged prefix keeps each deployment's BullMQ keys in one slot, which its multi-key scripts
// and flows need (without the tag the flow of a case fails with CROSSSLOT).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { startService, type RunningService } from '../../service/server.js';
import { bullPrefix } from '../../service/pipeline/jobs.js';
import { testConfig } from '../helpers/env.js';
import { fixtureCase } from '../helpers/fixtures.js';
import { ApiClient } from '../api/client.js';
import { startPrivateRedisCluster, type PrivateRedisCluster } from './private-servers.js';

let cluster: PrivateRedisCluster | undefined;
let svc: RunningService | undefined;

beforeAll(async () => {
  cluster = await startPrivateRedisCluster(3);
}, 60_000);

afterAll(async () => {
  await svc?.stop();
  await cluster?.destroy();
});

const cli = (port: number, ...args: string[]) =>
  spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).stdout.trim();

describe('Redis Cluster', () => {
  it('runs a generated case end to end through the cluster', async () => {
    const config = testConfig({
      // REDIS_URL names a server that does not exist: only the cluster may be used.
      REDIS_URL: 'redis://127.0.0.1:1',
      REDIS_CLUSTER_NODES: cluster!.nodes.join(','),
      FACE_WORKERS: '1',
      PIPELINE_CONCURRENCY: '1',
    });
    expect(config.REDIS_CLUSTER_NODES).toHaveLength(3);
    // Seed 1: the genuine fixture whose spoken digits the engine matches (seed 3's go to review as
    // DIGITS_UNCERTAIN since the stricter digit check), so "approved" says every stage ran through the cluster.
    const fx = await fixtureCase({ attack: 'none', seed: 1, formats: ['webm'] });
    svc = await startService(config);
    const api = new ApiClient(svc.url!, config.API_KEYS[0]!);
    expect(await svc.runtime.redis.ping()).toBe('PONG');
    const c = await api.submitFixture(svc.runtime.db, fx, fx.webm!);
    const final = await api.waitForDecision(c.token, 240_000);
    const reasons = await svc.runtime.db.query<{ reasons: string[] }>(
      'SELECT reasons FROM decisions WHERE case_id = $1',
      [c.id],
    );
    expect(final.status, JSON.stringify(reasons.rows)).toBe('approved');

    // Every queue key of the deployment is on the one node that owns the prefix's hash slot.
    const prefix = bullPrefix(config.QUEUE_PREFIX);
    const slot = Number(cli(cluster!.ports[0]!, 'cluster', 'keyslot', prefix));
    const perNode = cluster!.ports.map(
      (p) => cli(p, '--scan', '--pattern', `${prefix}:*`).split('\n').filter(Boolean).length,
    );
    expect(perNode.filter((n) => n > 0)).toHaveLength(1);
    const owner = cluster!.ports[perNode.findIndex((n) => n > 0)]!;
    expect(Number(cli(owner, 'cluster', 'countkeysinslot', String(slot)))).toBe(
      perNode.reduce((a, b) => a + b),
    );
    // The stage jobs went through the cluster's queues (completed jobs are kept an hour).
    const done = cli(owner, '--scan', '--pattern', `${prefix}:pipeline-decide:*`);
    expect(done.length).toBeGreaterThan(0);
  }, 300_000);
});
