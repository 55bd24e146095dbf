// The invitation area: the letter page, the re-send endpoint and the outbox topic `invitation` (delivery).
import { join } from 'node:path';
import type { Feature, FeatureFactory } from '../features.js';
import type { Runtime } from '../server.js';
import { registerOutboxHandler } from '../outbox/registry.js';
import { createMailer, type Mailer } from '../notify/mailer.js';
import { createConsoleSms, createHttpSms, type SmsSender } from '../notify/sms.js';
import { invitationApiRouter, invitationPageRouter } from '../api/invitation/routes.js';
import { deliverInvitation, INVITATION_TOPIC } from './service.js';

function smsFor(rt: Runtime): SmsSender {
  const c = rt.config;
  if (c.SMS_PROVIDER === 'http' && c.SMS_HTTP_URL)
    return createHttpSms({ url: c.SMS_HTTP_URL, token: c.SMS_HTTP_TOKEN });
  return createConsoleSms({ dir: join(c.DATA_DIR, 'outbox-sms'), logger: rt.logger });
}

export const invitationFeature: FeatureFactory = (rt: Runtime): Feature => {
  const c = rt.config;
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
  const sms = smsFor(rt);
  registerOutboxHandler(INVITATION_TOPIC, async (row) => {
    const id = Number((row.payload as { deliveryId?: unknown }).deliveryId);
    if (!Number.isInteger(id)) throw new Error('invitation outbox row without deliveryId');
    await deliverInvitation(
      {
        db: rt.db,
        logger: rt.logger,
        mailer: getMailer,
        sms,
        secret: c.CODE_HMAC_SECRET,
        publicUrl: c.PUBLIC_URL,
        verificationTtlHours: c.VERIFICATION_TTL_HOURS,
      },
      id,
    );
  });
  return {
    name: 'invitation',
    routers: [
      ['/invitations', invitationPageRouter(rt.db, c.CODE_HMAC_SECRET)],
      ['/v1', invitationApiRouter({ db: rt.db, secret: c.CODE_HMAC_SECRET, apiKeys: c.API_KEYS })],
    ],
    async stop() {
      mailer?.close();
    },
  };
};
