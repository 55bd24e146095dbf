// The handler of outbox topic `invitation` (rows written with the verification or by a re-send): one
// e-letter or SMS delivery each. Its own SMTP transport, opened on first use.
import { join } from 'node:path';
import type { Config } from '../config/index.js';
import type { Db } from '../db/index.js';
import type { Logger } from '../logger.js';
import type { OutboxHandler } from '../outbox/dispatcher.js';
import { createMailer, type Mailer } from '../notify/mailer.js';
import { createConsoleSms, createHttpSms, type SmsSender } from '../notify/sms.js';
import { deliverInvitation } from './service.js';

function smsFor(c: Config, logger: Logger): SmsSender {
  if (c.SMS_PROVIDER === 'http' && c.SMS_HTTP_URL)
    return createHttpSms({ url: c.SMS_HTTP_URL, token: c.SMS_HTTP_TOKEN });
  return createConsoleSms({ dir: join(c.DATA_DIR, 'outbox-sms'), logger });
}

export function createInvitationOutboxHandler(d: { config: Config; db: Db; logger: Logger }): {
  handler: OutboxHandler;
  close(): void;
} {
  const c = d.config;
  let mailer: Mailer | undefined;
  const getMailer = () =>
    (mailer ??= createMailer({
      host: c.SMTP_HOST,
      port: c.SMTP_PORT,
      secure: c.SMTP_SECURE,
      user: c.SMTP_USER,
      password: c.SMTP_PASSWORD,
      from: c.MAIL_FROM,
    }));
  const sms = smsFor(c, d.logger);
  return {
    async handler(row) {
      const id = Number((row.payload as { deliveryId?: unknown }).deliveryId);
      if (!Number.isInteger(id)) throw new Error('invitation outbox row without deliveryId');
      await deliverInvitation(
        {
          db: d.db,
          logger: d.logger,
          mailer: getMailer,
          sms,
          secret: c.CODE_HMAC_SECRET,
          publicUrl: c.PUBLIC_URL,
          verificationTtlHours: c.VERIFICATION_TTL_HOURS,
        },
        id,
      );
    },
    close() {
      mailer?.close();
    },
  };
}
