// SMS provider adapters. `http`: POST {to, text} as JSON with a bearer token to the provider's
// endpoint. `console` (development): writes each message to DATA_DIR/outbox-sms/ (mode 0600) so a
// developer can read the code, while the log line only says that a message was written.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../logger.js';

export interface SmsMessage {
  /** E.164 phone number. */
  to: string;
  text: string;
}

export interface SmsSender {
  readonly kind: 'console' | 'http' | 'outbox';
  send(m: SmsMessage): Promise<void>;
}

/** A provider refusal; `status` is the HTTP status (no body kept: it may echo the number). */
export class SmsProviderError extends Error {
  constructor(readonly status: number) {
    super(`sms provider answered ${status}`);
    this.name = 'SmsProviderError';
  }
}

export function createHttpSms(o: { url: string; token?: string; timeoutMs?: number }): SmsSender {
  return {
    kind: 'http',
    async send(m) {
      const res = await fetch(o.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
        },
        body: JSON.stringify({ to: m.to, text: m.text }),
        signal: AbortSignal.timeout(o.timeoutMs ?? 15_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) throw new SmsProviderError(res.status);
    },
  };
}

export function createConsoleSms(o: { dir: string; logger: Logger }): SmsSender {
  return {
    kind: 'console',
    async send(m) {
      mkdirSync(o.dir, { recursive: true, mode: 0o700 });
      const file = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.json`;
      writeFileSync(join(o.dir, file), JSON.stringify({ to: m.to, text: m.text }, null, 2), { mode: 0o600 });
      o.logger.info({ file }, 'sms written to the development outbox (console adapter)');
    },
  };
}
