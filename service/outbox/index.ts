export * from './registry.js';
export * from './webhook.js';
export * from './dispatcher.js';
