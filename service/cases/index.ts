// The case store's data layer: every SQL statement about cases lives in this folder.
export * from './types.js';
export * from './cases.js';
export * from './media.js';
export * from './stage-results.js';
export * from './decisions.js';
export * from './outbox.js';
