// The mail and SMS transports the configuration asks for (activation letters and invitations share them).
import { join } from 'node:path';
import type { Config } from '../config/index.js';
import type { Queryable } from '../db/index.js';
import type { Logger } from '../logger.js';
import { createMailer, type Mailer } from './mailer.js';
import { createConsoleSms, createHttpSms, type SmsSender } from './sms.js';
import { createOutboxMailer, createOutboxSms, devOutboxKey } from './dev-outbox.js';

export function mailerFor(c: Config, db: Queryable, logger: Logger): Mailer {
  if (c.MAIL_TRANSPORT === 'outbox')
    return createOutboxMailer({ db, key: devOutboxKey(c.MEDIA_ENCRYPTION_KEY), from: c.MAIL_FROM, logger });
  return createMailer({
    host: c.SMTP_HOST,
    port: c.SMTP_PORT,
    secure: c.SMTP_SECURE,
    user: c.SMTP_USER,
    password: c.SMTP_PASSWORD,
    from: c.MAIL_FROM,
  });
}

export function smsFor(c: Config, db: Queryable, logger: Logger): SmsSender {
  if (c.SMS_PROVIDER === 'http') {
    if (!c.SMS_HTTP_URL) throw new Error('SMS_PROVIDER=http needs SMS_HTTP_URL');
    return createHttpSms({ url: c.SMS_HTTP_URL, token: c.SMS_HTTP_TOKEN });
  }
  if (c.SMS_PROVIDER === 'console') return createConsoleSms({ dir: join(c.DATA_DIR, 'outbox-sms'), logger });
  return createOutboxSms({ db, key: devOutboxKey(c.MEDIA_ENCRYPTION_KEY), logger });
}
