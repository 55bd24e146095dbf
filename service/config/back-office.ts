// Back-office settings: reviewers, activation, notifications, webhook, metrics.
import { z } from 'zod';
import { envBool, envInt, envNum } from './env.js';

export const backOfficeEnv = {
  SESSION_SECRET: z
    .string()
    .min(32)
    .optional()
    .describe('Secret signing reviewer session cookies (>= 32 chars). Generated outside production.'),
  COOKIE_SECURE: envBool(false).describe('Mark session cookies Secure (set true behind HTTPS).'),
  REVIEW_LEASE_MINUTES: envInt(15, 1, 240).describe(
    'How long a reviewer keeps a claimed case before another may take it.',
  ),
  SLA_WORKING_HOURS: envInt(48, 1, 1000).describe(
    'Review deadline in working hours (Mon-Fri, French public holidays excluded, Europe/Paris).',
  ),
  SLA_AT_RISK_HOURS: envInt(12, 0, 1000).describe(
    'Working hours before the deadline at which a case is flagged at risk.',
  ),
  CODE_HMAC_SECRET: z
    .string()
    .min(32)
    .optional()
    .describe('Secret for the keyed hash of activation codes (>= 32 chars). Generated outside production.'),
  ACTIVATION_CODE_TTL_DAYS: envInt(30, 1, 365).describe('Lifetime of a 6-digit activation code.'),
  ACTIVATION_RATE_LIMIT_IP: envInt(30, 1, 100000).describe(
    'Activation attempts (POST /v1/activations) allowed per client IP per 15 minutes.',
  ),
  ACTIVATION_RATE_LIMIT_SESSION: envInt(10, 1, 100000).describe(
    'Activation attempts allowed per session reference per 15 minutes (each code also locks after 5 wrong entries).',
  ),
  NOTIFY_ATTEMPTS: envInt(10, 1, 100).describe(
    'Attempts per activation e-letter/SMS delivery before it is flagged failed for ops.',
  ),
  NOTIFY_BACKOFF_MS: envInt(30000, 10, 86400000).describe(
    'First retry delay of a failed delivery, in ms; doubles at each retry (exponential backoff).',
  ),
  INVITE_EMAIL: envBool(false).describe(
    'Default of invite.email in POST /v1/verifications: send the invitation e-letter to the applicant.',
  ),
  INVITE_SMS: envBool(false).describe(
    'Default of invite.sms in POST /v1/verifications: send the invitation link by SMS.',
  ),
  MAIL_TRANSPORT: z
    .enum(['smtp', 'outbox'])
    .optional()
    .describe(
      'Where e-letters go: smtp, or outbox (development: kept encrypted in the database and shown to admins on the console page "Development outbox"; refused in production). Default: outbox outside production when SMTP_HOST is unset, smtp otherwise.',
    ),
  SMTP_HOST: z
    .string()
    .optional()
    .describe('SMTP server for registered e-letters (127.0.0.1 when unset and MAIL_TRANSPORT=smtp).'),
  SMTP_PORT: envInt(25, 1, 65535).describe('SMTP port.'),
  SMTP_SECURE: envBool(false).describe('Use implicit TLS to the SMTP server.'),
  SMTP_USER: z.string().optional().describe('SMTP user name (optional).'),
  SMTP_PASSWORD: z.string().optional().describe('SMTP password (optional).'),
  MAIL_FROM: z
    .string()
    .default('Identité numérique <no-reply@localhost>')
    .describe('Sender of registered e-letters.'),
  SMS_PROVIDER: z
    .enum(['outbox', 'console', 'http'])
    .optional()
    .describe(
      'SMS adapter: outbox (development default: encrypted in the database, shown on the console page "Development outbox"), console (development: plaintext files in DATA_DIR/outbox-sms) or http. Production requires http.',
    ),
  SMS_HTTP_URL: z.string().url().optional().describe('SMS provider endpoint (with SMS_PROVIDER=http).'),
  SMS_HTTP_TOKEN: z.string().optional().describe('Bearer token for the SMS provider.'),
  SEEN_BEFORE_SECRET: z
    .string()
    .min(32)
    .optional()
    .describe(
      'Secret (>= 32 chars) of the keyed hashes of document numbers and declared identities and of the sealed face descriptors of the seen-before check. Derived from CODE_HMAC_SECRET when unset.',
    ),
  QA_SAMPLE_RATE: envNum(0, 0, 1).describe(
    'Share (0..1) of automatically approved cases sampled into the QA queue for a second look by a reviewer.',
  ),
  WEBHOOK_URL: z
    .string()
    .url()
    .optional()
    .describe('Business service endpoint notified of every final outcome.'),
  WEBHOOK_SECRET: z
    .string()
    .min(16)
    .optional()
    .describe('HMAC-SHA256 key signing webhooks (>= 16 chars). Generated outside production.'),
  METRICS_TOKEN: z
    .string()
    .min(16)
    .optional()
    .describe('Bearer token required by /metrics (>= 16 chars). Generated outside production.'),
};
