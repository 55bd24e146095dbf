// Issue #17 item 10 (part): applicant responses are never cached, and the plaintext development SMS adapter is
// refused in production.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../service/config/index.js';
import { startService, type RunningService } from '../../service/server.js';
import { testConfig, tempDir } from '../helpers/env.js';
import { ApiClient } from '../api/client.js';

let svc: RunningService;
let api: ApiClient;

beforeAll(async () => {
  svc = await startService(testConfig({ ROLE: 'api' }));
  api = new ApiClient(svc.url!, svc.runtime.config.API_KEYS[0]!);
}, 120_000);

afterAll(async () => {
  await svc?.stop();
});

describe('Cache-Control on secrets', () => {
  it('the responses carrying the applicant token or the challenge digits say no-store', async () => {
    const created = await fetch(`${svc.url}/v1/verifications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': api.apiKey },
      body: JSON.stringify({
        applicant: {
          lastName: 'Martin',
          firstNames: 'Léa',
          birthDate: '1990-04-12',
          email: 'a@example.test',
          mobile: '+33612345678',
        },
      }),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const body = (await created.json()) as { token: string };
    expect(body.token.length).toBeGreaterThan(10);
    const status = await fetch(`${svc.url}/v1/applicant/status`, {
      headers: { authorization: `Bearer ${body.token}` },
    });
    expect(status.status).toBe(200);
    expect(status.headers.get('cache-control')).toBe('no-store');
  });
});

describe('production configuration', () => {
  const secrets = () => ({
    NODE_ENV: 'production',
    DATA_DIR: tempDir(),
    API_KEYS: randomBytes(16).toString('hex'),
    MEDIA_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    SESSION_SECRET: randomBytes(32).toString('hex'),
    CODE_HMAC_SECRET: randomBytes(32).toString('hex'),
    WEBHOOK_SECRET: randomBytes(16).toString('hex'),
    METRICS_TOKEN: randomBytes(16).toString('hex'),
    EVIDENCE_SIGNING_KEY_FILE: '/run/secrets/evidence-signing-key.pem',
  });
  it('refuses the console SMS adapter (plaintext codes) and accepts the http one', () => {
    expect(() => loadConfig(secrets())).toThrow(/SMS_PROVIDER=console/);
    expect(() => loadConfig({ ...secrets(), SMS_PROVIDER: 'console' })).toThrow(/refused in production/);
    const ok = loadConfig({
      ...secrets(),
      SMS_PROVIDER: 'http',
      SMS_HTTP_URL: 'https://sms.example.test/send',
    });
    expect(ok.SMS_PROVIDER).toBe('http');
  });
});
