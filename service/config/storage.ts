// Media storage settings: where sealed objects live (local directory or an S3-compatible bucket) and the master
// keys that wrap the per-case data keys.
import { z } from 'zod';
import { envBool, envList } from './env.js';

export const storageEnv = {
  MEDIA_STORAGE: z
    .enum(['local', 's3'])
    .default('local')
    .describe(
      'Where sealed media live: local (DATA_DIR/media) or s3 (an S3-compatible bucket; workers then need no shared DATA_DIR).',
    ),
  MEDIA_PREVIOUS_KEYS: envList('')
    .refine((l) => l.every((k) => /^[0-9a-f]{64}$/i.test(k)), 'each key must be 64 hex characters')
    .describe(
      'Comma-separated former MEDIA_ENCRYPTION_KEY values, still used to unwrap case keys until `idv keys rotate` has re-wrapped them under the current key.',
    ),
  S3_ENDPOINT: z
    .string()
    .url()
    .optional()
    .describe('S3 endpoint URL of a non-AWS server (MinIO, Garage, Ceph...); unset for AWS S3.'),
  S3_REGION: z.string().min(1).optional().describe('S3 region (required with MEDIA_STORAGE=s3).'),
  S3_BUCKET: z
    .string()
    .min(1)
    .optional()
    .describe('S3 bucket of the sealed media (required with MEDIA_STORAGE=s3).'),
  S3_ACCESS_KEY_ID: z
    .string()
    .min(1)
    .optional()
    .describe('S3 access key id (required with MEDIA_STORAGE=s3).'),
  S3_SECRET_ACCESS_KEY: z
    .string()
    .min(1)
    .optional()
    .describe('S3 secret access key (required with MEDIA_STORAGE=s3).'),
  S3_FORCE_PATH_STYLE: envBool(false).describe(
    'Path-style bucket URLs (endpoint/bucket/key) instead of virtual hosts: most non-AWS servers need true.',
  ),
  S3_CHECKSUMS: z
    .enum(['when_required', 'when_supported'])
    .default('when_supported')
    .describe(
      'Request/response integrity checksums: when_supported (SDK default, AWS) or when_required (servers that do not know the newer CRC checksums).',
    ),
};

/** Names of the S3 settings MEDIA_STORAGE=s3 requires, for the start-up check. */
export const S3_REQUIRED = ['S3_REGION', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const;
