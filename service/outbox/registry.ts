// Per-topic outbox handlers, registered by the areas that own a topic (webhook here, activation, ...).
import type { OutboxRow } from '../cases/index.js';

/** Delivers one outbox row. Throw to retry (with backoff); return normally once delivered. */
export type OutboxHandler = (row: OutboxRow) => Promise<void>;

const handlers = new Map<string, OutboxHandler>();

export function registerOutboxHandler(topic: string, handler: OutboxHandler): void {
  handlers.set(topic, handler);
}

export function outboxHandler(topic: string): OutboxHandler | undefined {
  return handlers.get(topic);
}

export function outboxTopics(): string[] {
  return [...handlers.keys()];
}
