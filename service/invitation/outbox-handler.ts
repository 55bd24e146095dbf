// The handler of outbox topic `invitation` (rows written with the verification or by a re-send): one
// e-letter or SMS delivery each. Its own SMTP transport, opened on first use.
import type { Config } from '../config/index.js';
import type { Db } from '../db/index.js';
import type { Logger } from '../logger.js';
import type { OutboxHandler } from '../outbox/dispatcher.js';
import type { Mailer } from '../notify/mailer.js';
import { mailerFor, smsFor } from '../notify/transports.js';
import { deliverInvitation } from './service.js';

export function createInvitationOutboxHandler(d: { config: Config; db: Db; logger: Logger }): {
  handler: OutboxHandler;
  close(): void;
} {
  const c = d.config;
  let mailer: Mailer | undefined;
  const getMailer = () => (mailer ??= mailerFor(c, d.db, d.logger));
  // http without a URL was never an error here (only the activation worker insists): keep the development default.
  const sms =
    c.SMS_PROVIDER === 'http' && !c.SMS_HTTP_URL
      ? smsFor({ ...c, SMS_PROVIDER: 'outbox' }, d.db, d.logger)
      : smsFor(c, d.db, d.logger);
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
