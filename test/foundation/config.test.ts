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

  it('MEDIA_STORAGE=s3 needs the bucket settings together', () => {
    const s3 = {
      DATA_DIR: tempDir(),
      MEDIA_STORAGE: 's3',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      S3_REGION: 'us-east-1',
      S3_BUCKET: 'media',
      S3_ACCESS_KEY_ID: 'id',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_FORCE_PATH_STYLE: 'true',
    };
    expect(loadConfig(s3)).toMatchObject({
      MEDIA_STORAGE: 's3',
      S3_FORCE_PATH_STYLE: true,
      S3_CHECKSUMS: 'when_supported',
    });
    expect(() => loadConfig({ ...s3, S3_BUCKET: undefined })).toThrow(
      'Invalid configuration: S3_BUCKET=(unset): required with MEDIA_STORAGE=s3',
    );
    expect(() => loadConfig({ ...s3, MEDIA_STORAGE: 'ftp' })).toThrow(/MEDIA_STORAGE/);
    expect(() => loadConfig({ ...s3, S3_ENDPOINT: 'not a url' })).toThrow(/S3_ENDPOINT/);
    expect(() => loadConfig({ ...s3, MEDIA_PREVIOUS_KEYS: 'abc' })).toThrow(/MEDIA_PREVIOUS_KEYS/);
    // Local storage ignores the S3 settings.
    expect(loadConfig({ DATA_DIR: tempDir() }).MEDIA_STORAGE).toBe('local');
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
