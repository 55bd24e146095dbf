// Retention configuration and the evidence signing key: documented defaults, explicit key in production,
// development key generated once, rotation keeping old public keys published.
import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, describeEnv } from '../../service/config/index.js';
import { loadEvidenceKeys, loadSigningKey } from '../../service/evidence/keys.js';
import { cutoffs, retentionPolicyFrom } from '../../service/retention/policy.js';
import { tempDir, testConfig } from '../helpers/env.js';

const PROD_SECRETS = {
  NODE_ENV: 'production',
  MEDIA_ENCRYPTION_KEY: 'a'.repeat(64),
  SESSION_SECRET: 's'.repeat(32),
  CODE_HMAC_SECRET: 'c'.repeat(32),
  WEBHOOK_SECRET: 'w'.repeat(16),
  METRICS_TOKEN: 'm'.repeat(16),
  API_KEYS: 'k'.repeat(24),
  SMS_PROVIDER: 'http',
  SMS_HTTP_URL: 'https://sms.example.test/send',
};

describe('retention configuration', () => {
  it('has documented defaults', () => {
    const rows = Object.fromEntries(describeEnv().map((r) => [r.name, r]));
    expect(rows.RETENTION_MEDIA_DAYS!.default).toBe('30');
    expect(rows.RETENTION_UNFINISHED_DAYS!.default).toBe('7');
    expect(rows.RETENTION_EVIDENCE_YEARS!.default).toBe('7');
    expect(rows.RETENTION_SESSION_DAYS!.default).toBe('90');
    expect(rows.RETENTION_DELIVERY_LOG_DAYS!.default).toBe('180');
    for (const name of ['RETENTION_MEDIA_DAYS', 'EVIDENCE_SIGNING_KEY_FILE', 'AUDIT_ANCHOR_DIR'])
      expect(rows[name]!.description.length).toBeGreaterThan(20);
    expect(() => testConfig({ RETENTION_EVIDENCE_YEARS: '0' })).toThrow(/RETENTION_EVIDENCE_YEARS/);
  });

  it('turns the policy into cut-off dates', () => {
    const now = new Date('2027-03-01T12:00:00Z');
    const c = cutoffs(retentionPolicyFrom(testConfig({ RETENTION_MEDIA_DAYS: '10' })), now);
    expect(c.mediaDecidedBefore.toISOString()).toBe('2027-02-19T12:00:00.000Z');
    expect(c.unfinishedExpiredBefore.toISOString()).toBe('2027-02-22T12:00:00.000Z');
    expect(c.evidenceRetainedUntil).toEqual(now);
  });

  it('requires the evidence signing key explicitly in production', () => {
    const dir = tempDir();
    expect(() => loadConfig({ ...PROD_SECRETS, DATA_DIR: dir })).toThrow(
      'Invalid configuration: EVIDENCE_SIGNING_KEY_FILE=(unset): required in production',
    );
    const file = join(dir, 'k.pem');
    const c = loadConfig({ ...PROD_SECRETS, DATA_DIR: dir, EVIDENCE_SIGNING_KEY_FILE: file });
    // Production never generates it.
    expect(() => loadEvidenceKeys(c)).toThrow(/evidence signing key file not found/);
    writeFileSync(file, generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }));
    expect(loadEvidenceKeys(c).signing.keyId).toMatch(/^[0-9a-f]{16}$/);
    writeFileSync(
      file,
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }),
    );
    expect(() => loadEvidenceKeys(c)).toThrow(/not an Ed25519 private key/);
  });

  it('generates the development key once (0600) and publishes retired keys after a rotation', () => {
    const c = testConfig();
    expect(c.EVIDENCE_SIGNING_KEY_FILE).toBe(join(c.DATA_DIR, 'secrets', 'evidence-signing-key.pem'));
    const first = loadEvidenceKeys(c);
    expect(statSync(c.EVIDENCE_SIGNING_KEY_FILE).mode & 0o777).toBe(0o600);
    expect(loadEvidenceKeys(c).signing.keyId).toBe(first.signing.keyId);
    // Rotation as documented: keep the old public key in the retired-keys directory, install a new private key.
    mkdirSync(c.EVIDENCE_RETIRED_KEYS_DIR, { recursive: true });
    writeFileSync(
      join(c.EVIDENCE_RETIRED_KEYS_DIR, `${first.signing.keyId}.pem`),
      first.signing.publicKey.export({ format: 'pem', type: 'spki' }),
    );
    const oldPem = readFileSync(c.EVIDENCE_SIGNING_KEY_FILE);
    writeFileSync(
      c.EVIDENCE_SIGNING_KEY_FILE,
      generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }),
    );
    const rotated = loadEvidenceKeys(c);
    expect(rotated.signing.keyId).not.toBe(first.signing.keyId);
    expect(rotated.published.keys.map((k) => [k.kid, k.status])).toEqual([
      [rotated.signing.keyId, 'current'],
      [first.signing.keyId, 'retired'],
    ]);
    expect(loadSigningKey(c.EVIDENCE_SIGNING_KEY_FILE, { generate: false }).keyId).toBe(
      rotated.signing.keyId,
    );
    expect(oldPem.length).toBeGreaterThan(0);
  });
});
