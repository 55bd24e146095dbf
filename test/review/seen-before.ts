// Test helper: the real decide step (pipeline handler, real repository, real seen-before and QA hooks) on cases
// seeded from the generated case's real stage results, after the face stage's index write (its descriptor).
import type { Db } from '../../service/db/index.js';
import type { MediaStore } from '../../service/storage/index.js';
import { createLogger } from '../../service/logger.js';
import { createFraudHooks } from '../../service/fraud/hooks.js';
import { handleDecide, type HandlerDeps } from '../../service/pipeline/handlers.js';
import { createPipelineRepository } from '../../service/pipeline/pipeline-repository.js';
import { policyConfig } from '../../service/pipeline/policy-config.js';
import type { Config } from '../../service/config/index.js';
import { realRun, seedCase, type SeedOptions } from './seed.js';

export function decideDeps(db: Db, store: MediaStore, config: Config): HandlerDeps {
  const unused = () => Promise.reject(new Error('not used by the decide step'));
  return {
    cases: createPipelineRepository(db),
    store,
    logger: createLogger('silent'),
    policy: policyConfig(config),
    document: { allowedTypes: config.DOCUMENT_TYPES_ALLOWED, minimumAge: config.MINIMUM_AGE },
    challengeTtlMinutes: 15,
    sla: { slaWorkingHours: 48, atRiskHours: 12 },
    engines: { probe: unused, face: unused, analyse: unused },
    enqueueAnalysis: () => Promise.resolve(),
    scheduleExpiry: () => Promise.resolve(),
    fraud: createFraudHooks({
      db,
      logger: createLogger('silent'),
      secret: config.SEEN_BEFORE_SECRET,
      faceMinSimilarity: config.FACE_ACCEPT_SIMILARITY,
      qaSampleRate: config.QA_SAMPLE_RATE,
    }),
  };
}

/** Seeds an analysed case (real stage results), indexes its live face as the face stage does, and decides it. */
export async function seedAndDecide(
  db: Db,
  store: MediaStore,
  config: Config,
  opts: SeedOptions = {},
): Promise<{ id: string; status: string; reasons: string[] }> {
  const deps = decideDeps(db, store, config);
  const id = await seedCase(db, store, { ...opts, status: 'processing' });
  const real = await realRun();
  if (!real.faceDescriptor) throw new Error('the generated case has no live face descriptor');
  await deps.fraud!.indexFace({ caseId: id, attempt: 1 }, real.faceDescriptor);
  await handleDecide(deps, { caseId: id, attempt: 1, lastAttempt: true, progress: () => Promise.resolve() });
  const r = await db.query<{ status: string; reasons: string[] }>(
    'SELECT status, reasons FROM cases WHERE id = $1',
    [id],
  );
  return { id, status: r.rows[0]!.status, reasons: [...r.rows[0]!.reasons].sort() };
}
