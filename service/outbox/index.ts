export * from './webhook.js';
export * from './dispatcher.js';
