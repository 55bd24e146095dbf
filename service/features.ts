// The list of feature areas wired into the service. Each contributes routers, workers and readiness
// checks; adding an area is one line here.
import type { Router } from 'express';
import type { ReadinessCheck } from './api/app.js';
import type { Runtime } from './server.js';
import { activationFeature } from './activation/feature.js';
import { pipelineFeature } from './pipeline/feature.js';
import { reviewFeature } from './api/review/feature.js';
import { opsFeature } from './ops/feature.js';
import { evidenceFeature } from './evidence/feature.js';
import { retentionFeature } from './retention/feature.js';

export interface Feature {
  name: string;
  routers?: Array<[string, Router]>;
  readiness?: ReadinessCheck[];
  startWorkers?(): Promise<void>;
  stop?(): Promise<void>;
}

export type FeatureFactory = (rt: Runtime) => Promise<Feature> | Feature;

const factories: FeatureFactory[] = [
  pipelineFeature,
  reviewFeature,
  activationFeature,
  opsFeature,
  evidenceFeature,
  retentionFeature,
];

export async function loadFeatures(rt: Runtime): Promise<Feature[]> {
  const out: Feature[] = [];
  for (const f of factories) out.push(await f(rt));
  return out;
}
