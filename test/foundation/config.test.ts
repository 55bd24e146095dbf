import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ConfigError, describeEnv, loadConfig } from '../../service/config/index.js';
import { tempDir } from '../helpers/env.js';

describe('configuration', () => {
  it('applies defaults and generates development secrets once', () => {
    const dir = tempDir();
    const a = loadConfig({ DATA_DIR: dir });
    expect(a.PORT).toBe(8080);
    expect(a.MEDIA_ENCRYPTION_KEY).toMatch(/^[0-9a-f]{64}$/);
    const b = loadConfig({ DATA_DIR: dir });
    expect(b.MEDIA_ENCRYPTION_KEY).toBe(a.MEDIA_ENCRYPTION_KEY);
    expect(b.API_KEYS).toEqual(a.API_KEYS);
  });

  it('stops on a bad value with one line naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrowError(ConfigError);
    try {
      loadConfig({ PORT: '70000', DATA_DIR: tempDir() });
    } catch (e) {
      expect((e as Error).message).toMatch(/^Invalid configuration: PORT="70000": /);
      expect((e as Error).message).not.toContain('\n');
    }
    expect(() => loadConfig({ MEDIA_ENCRYPTION_KEY: 'short', DATA_DIR: tempDir() })).toThrow(
      /MEDIA_ENCRYPTION_KEY/,
    );
    expect(() => loadConfig({ REVIEW_ALL: 'maybe', DATA_DIR: tempDir() })).toThrow(/REVIEW_ALL/);
  });

  it('refuses to generate secrets in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: tempDir() })).toThrow(
      /required in production/,
    );
  });

  it('documents every variable in the README', () => {
    const readme = readFileSync('README.md', 'utf8');
    const undocumented = describeEnv()
      .map((v) => v.name)
      .filter((n) => !readme.includes(`\`${n}\``));
    expect(undocumented).toEqual([]);
  });
});
