// Configuration: every environment variable parsed and validated once, at start-up.
import { z } from 'zod';
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { coreEnv } from './core.js';
import { engineEnv } from './engines.js';
import { backOfficeEnv } from './back-office.js';
import { retentionEnv } from './retention.js';
import { S3_REQUIRED, storageEnv } from './storage.js';

export const envSchema = z.object({
  ...coreEnv,
  ...storageEnv,
  ...engineEnv,
  ...backOfficeEnv,
  ...retentionEnv,
});
type Parsed = z.infer<typeof envSchema>;

/** The validated configuration; secrets are always present (from env, or generated outside production). */
export type Config = Parsed & {
  DATA_DIR: string;
  PUBLIC_URL: string;
  MEDIA_ENCRYPTION_KEY: string;
  SESSION_SECRET: string;
  CODE_HMAC_SECRET: string;
  WEBHOOK_SECRET: string;
  METRICS_TOKEN: string;
  /** Always set: the configured file, or DATA_DIR/secrets/evidence-signing-key.pem outside production. */
  EVIDENCE_SIGNING_KEY_FILE: string;
  EVIDENCE_RETIRED_KEYS_DIR: string;
  AUDIT_ANCHOR_DIR: string;
  /** Resolved: see MAIL_TRANSPORT's default. */
  MAIL_TRANSPORT: 'smtp' | 'outbox';
  SMTP_HOST: string;
  SMS_PROVIDER: 'outbox' | 'console' | 'http';
  SEEN_BEFORE_SECRET: string;
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const SECRET_KEYS = [
  'MEDIA_ENCRYPTION_KEY',
  'SESSION_SECRET',
  'CODE_HMAC_SECRET',
  'WEBHOOK_SECRET',
  'METRICS_TOKEN',
] as const;

/** Parse env into a Config. Throws ConfigError whose message is one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const res = envSchema.safeParse(env);
  if (!res.success) {
    const issue = res.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    const value = env[name];
    throw new ConfigError(
      `Invalid configuration: ${name}=${value === undefined ? '(unset)' : JSON.stringify(value.length > 40 ? value.slice(0, 8) + '…' : value)}: ${issue.message}`,
    );
  }
  const c = res.data;
  if (c.MEDIA_STORAGE === 's3') {
    const unset = S3_REQUIRED.find((k) => !c[k]);
    if (unset)
      throw new ConfigError(`Invalid configuration: ${unset}=(unset): required with MEDIA_STORAGE=s3`);
  }
  const dataDir = resolve(c.DATA_DIR);
  const secrets: Record<string, string> = {};
  const missing = SECRET_KEYS.filter((k) => !c[k]);
  if (missing.length || c.API_KEYS.length === 0) {
    if (c.NODE_ENV === 'production') {
      throw new ConfigError(
        `Invalid configuration: ${missing[0] ?? 'API_KEYS'}=(unset): required in production`,
      );
    }
    Object.assign(secrets, loadOrCreateDevSecrets(dataDir));
  }
  if (!c.EVIDENCE_SIGNING_KEY_FILE && c.NODE_ENV === 'production') {
    throw new ConfigError('Invalid configuration: EVIDENCE_SIGNING_KEY_FILE=(unset): required in production');
  }
  const prod = c.NODE_ENV === 'production';
  // The console adapter writes codes in plaintext to disk and the outbox keeps them for the console: development only.
  if (prod && c.SMS_PROVIDER === 'console')
    throw new ConfigError(
      'Invalid configuration: SMS_PROVIDER=console: writes activation codes in plaintext, refused in production (use http)',
    );
  if (prod && c.SMS_PROVIDER === 'outbox')
    throw new ConfigError(
      'Invalid configuration: SMS_PROVIDER=outbox: the development outbox is refused in production (use http)',
    );
  if (prod && !c.SMS_PROVIDER)
    throw new ConfigError(
      'Invalid configuration: SMS_PROVIDER=(unset): the development adapters (SMS_PROVIDER=outbox, SMS_PROVIDER=console) are refused in production (use http)',
    );
  if (prod && c.MAIL_TRANSPORT === 'outbox')
    throw new ConfigError(
      'Invalid configuration: MAIL_TRANSPORT=outbox: the development outbox is refused in production (use smtp)',
    );
  const mailTransport = c.MAIL_TRANSPORT ?? (prod || c.SMTP_HOST ? 'smtp' : 'outbox');
  return {
    ...c,
    DATA_DIR: dataDir,
    PUBLIC_URL: (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/$/, ''),
    API_KEYS: c.API_KEYS.length ? c.API_KEYS : [secrets.API_KEY!],
    MEDIA_ENCRYPTION_KEY: c.MEDIA_ENCRYPTION_KEY ?? secrets.MEDIA_ENCRYPTION_KEY!,
    SESSION_SECRET: c.SESSION_SECRET ?? secrets.SESSION_SECRET!,
    CODE_HMAC_SECRET: c.CODE_HMAC_SECRET ?? secrets.CODE_HMAC_SECRET!,
    WEBHOOK_SECRET: c.WEBHOOK_SECRET ?? secrets.WEBHOOK_SECRET!,
    METRICS_TOKEN: c.METRICS_TOKEN ?? secrets.METRICS_TOKEN!,
    // The key file itself is generated on first use (service/evidence/keys.ts), like the secrets above.
    EVIDENCE_SIGNING_KEY_FILE: resolve(
      c.EVIDENCE_SIGNING_KEY_FILE ?? join(dataDir, 'secrets', 'evidence-signing-key.pem'),
    ),
    EVIDENCE_RETIRED_KEYS_DIR: resolve(
      c.EVIDENCE_RETIRED_KEYS_DIR ?? join(dataDir, 'secrets', 'evidence-retired-keys'),
    ),
    AUDIT_ANCHOR_DIR: resolve(c.AUDIT_ANCHOR_DIR ?? join(dataDir, 'audit-anchors')),
    MAIL_TRANSPORT: mailTransport,
    SMTP_HOST: c.SMTP_HOST ?? '127.0.0.1',
    SMS_PROVIDER: c.SMS_PROVIDER ?? 'outbox',
    SEEN_BEFORE_SECRET:
      c.SEEN_BEFORE_SECRET ??
      createHmac('sha256', c.CODE_HMAC_SECRET ?? secrets.CODE_HMAC_SECRET!)
        .update('idv-seen-before-secret')
        .digest('hex'),
  };
}

/** Development convenience: secrets generated once and kept (mode 0600) in the data directory. */
function loadOrCreateDevSecrets(dataDir: string): Record<string, string> {
  const file = join(dataDir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  mkdirSync(dataDir, { recursive: true });
  const hex = (n: number) => randomBytes(n).toString('hex');
  const s = {
    MEDIA_ENCRYPTION_KEY: hex(32),
    SESSION_SECRET: hex(32),
    CODE_HMAC_SECRET: hex(32),
    WEBHOOK_SECRET: hex(24),
    METRICS_TOKEN: hex(24),
    API_KEY: hex(24),
  };
  writeFileSync(file, JSON.stringify(s, null, 2), { mode: 0o600 });
  return s;
}

/** One line per variable, for the README and `idv config docs`. */
export function describeEnv(): Array<{ name: string; description: string; default: string }> {
  return Object.entries(envSchema.shape).map(([name, schema]) => {
    const s = schema as z.ZodType;
    let def = '';
    const r = s.safeParse(undefined);
    if (r.success && r.data !== undefined) def = Array.isArray(r.data) ? r.data.join(',') : String(r.data);
    return { name, description: s.description ?? '', default: def };
  });
}
