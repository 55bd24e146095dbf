// ops/docker-compose.yml stays consistent with the configuration schema: the API's and the workers' environments,
// with the variables of ops/compose.env.example filled in, pass the start-up validation in production mode, and
// name no variable the service does not know (a typo would be silently ignored by the service).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { load } from 'js-yaml';
import { envSchema, loadConfig } from '../../service/config/index.js';

interface Compose {
  services: Record<string, { environment?: Record<string, string | number | boolean> }>;
}

const compose = load(readFileSync('ops/docker-compose.yml', 'utf8')) as Compose;
const example = readFileSync('ops/compose.env.example', 'utf8');
const exampleVars = [...example.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]!);

/** What an operator fills into ops/.env: valid values of the right shape. */
function filled(name: string): string {
  if (name === 'MEDIA_ENCRYPTION_KEY') return randomBytes(32).toString('hex');
  if (name.endsWith('_URL')) return `https://${name.toLowerCase().replace(/_/g, '-')}.example.org/`;
  if (name === 'SMTP_PORT') return '587';
  return randomBytes(24).toString('hex');
}
const values = Object.fromEntries(exampleVars.map((v) => [v, filled(v)]));

/** Compose's interpolation: ${VAR}, ${VAR:?} (required), ${VAR:-default}. */
function interpolate(s: string): string {
  return s.replace(/\$\{([A-Z0-9_]+)(?::([?-])([^}]*))?\}/g, (_, name: string, op?: string, def?: string) => {
    if (values[name] !== undefined) return values[name];
    if (op === '-') return def ?? '';
    throw new Error(`${name} is used by the compose file but missing from compose.env.example`);
  });
}

describe('ops/docker-compose.yml', () => {
  it('has the API ×1, workers ×N, PostgreSQL, Redis and an S3-compatible server', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['api', 'worker', 'postgres', 'redis', 'minio']),
    );
  });

  for (const [service, role] of [
    ['api', 'api'],
    ['worker', 'worker'],
  ] as const) {
    it(`gives the ${service} an environment the service accepts in production`, () => {
      const raw = compose.services[service]!.environment!;
      const env = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, interpolate(String(v))]));
      const known = new Set(Object.keys(envSchema.shape));
      expect(Object.keys(env).filter((k) => !known.has(k))).toEqual([]);
      const c = loadConfig(env);
      expect(c.NODE_ENV).toBe('production');
      expect(c.ROLE).toBe(role);
      expect(c.DATABASE_URL).toMatch(/^postgres:\/\/idv:.+@postgres:5432\/idv$/);
      expect(c.EVIDENCE_SIGNING_KEY_FILE).toBe('/run/secrets/evidence-signing-key');
    });
  }
});
