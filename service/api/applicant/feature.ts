// The applicant app area: the built web app at /v and the endpoints only it uses (session view, challenge
// on demand, activation without a reference). The upload/submit/status routes stay in router.ts.
import { Router } from 'express';
import type { Feature, FeatureFactory } from '../../features.js';
import type { Runtime } from '../../server.js';
import { activationFor } from '../../activation/service.js';
import { requireApplicant } from './auth.js';
import { createChallengeRouter } from './challenge.js';
import { createSessionRouter } from './session.js';
import { createApplicantActivationRouter } from './activation.js';
import { createApplicantAppRouter } from './app-router.js';

export const applicantAppFeature: FeatureFactory = (rt: Runtime): Feature => {
  const { config, db } = rt;
  const applicant = requireApplicant(db);
  const v1 = Router();
  v1.use(createChallengeRouter({ db, ttlMinutes: config.CHALLENGE_TTL_MINUTES, applicant }));
  v1.use(createSessionRouter({ config, db, applicant }));
  v1.use(createApplicantActivationRouter({ db, activation: activationFor(rt) }));
  return {
    name: 'applicant-app',
    routers: [
      ['/v1', v1],
      ['/v', createApplicantAppRouter()],
    ],
  };
};
