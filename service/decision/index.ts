export * from './reason-codes.js';
export * from './signals.js';
export * from './names.js';
export * from './policy.js';
