// The case store's data layer: every SQL statement about cases lives in the *-repository.ts modules of this
// folder (functions taking a Queryable first, rows returned camelCase and typed).
export * from './types.js';
export * from './case-repository.js';
export * from './media-repository.js';
export * from './stage-result-repository.js';
export * from './decision-repository.js';
export * from './outbox-repository.js';
