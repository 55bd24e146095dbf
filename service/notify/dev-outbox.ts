// Development delivery (issue #20 item 7): with no mail or SMS configuration outside production, e-letters and
// SMS are kept in the database, sealed (AES-256-GCM, key derived from MEDIA_ENCRYPTION_KEY), and an admin reads
// them on the console's "Development outbox" page as the applicant would get them. Refused in production
// (service/config). Logs say only that a message was kept.
import { hkdfSync } from 'node:crypto';
import type { Queryable } from '../db/index.js';
import type { Logger } from '../logger.js';
import { seal, unseal } from '../activation/code.js';
import { insertDevOutbox, listDevOutboxRows } from './dev-outbox-repository.js';
import type { Mailer, MailMessage } from './mailer.js';
import type { SmsMessage, SmsSender } from './sms.js';

export function devOutboxKey(mediaKeyHex: string): Buffer {
  return Buffer.from(
    hkdfSync('sha256', Buffer.from(mediaKeyHex, 'hex'), 'idv-dev-outbox', 'dev-outbox-v1', 32),
  );
}

const AAD = 'dev-outbox';

async function keep(
  q: Queryable,
  key: Buffer,
  channel: 'email' | 'sms',
  message: MailMessage | SmsMessage,
): Promise<number> {
  return insertDevOutbox(q, channel, seal(key, JSON.stringify(message), `${AAD}:${channel}`));
}

export function createOutboxMailer(o: { db: Queryable; key: Buffer; from: string; logger: Logger }): Mailer {
  return {
    async send(m) {
      const id = await keep(o.db, o.key, 'email', m);
      o.logger.info(
        { outboxId: id },
        'e-letter kept in the development outbox (console: Development outbox)',
      );
    },
    close() {},
  };
}

export function createOutboxSms(o: { db: Queryable; key: Buffer; logger: Logger }): SmsSender {
  return {
    kind: 'outbox',
    async send(m) {
      const id = await keep(o.db, o.key, 'sms', m);
      o.logger.info({ outboxId: id }, 'sms kept in the development outbox (console: Development outbox)');
    },
  };
}

export type DevOutboxItem =
  | { id: number; channel: 'email'; at: string; to: string; subject: string; text: string; html: string }
  | { id: number; channel: 'sms'; at: string; to: string; text: string };

/** Newest first. A row sealed under another key (the media key changed) is skipped. */
export async function listDevOutbox(q: Queryable, key: Buffer, limit = 100): Promise<DevOutboxItem[]> {
  const rows = await listDevOutboxRows(q, limit);
  return rows.flatMap((x): DevOutboxItem[] => {
    let m: Record<string, string>;
    try {
      m = JSON.parse(unseal(key, x.sealed, `${AAD}:${x.channel}`)) as Record<string, string>;
    } catch {
      return [];
    }
    const base = {
      id: x.id,
      at: new Date(x.createdAt).toISOString(),
      to: m.to ?? '',
      text: m.text ?? '',
    };
    return x.channel === 'email'
      ? [{ ...base, channel: 'email', subject: m.subject ?? '', html: m.html ?? '' }]
      : [{ ...base, channel: 'sms' }];
  });
}
