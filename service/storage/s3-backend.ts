// Sealed objects in an S3-compatible bucket (AWS S3, MinIO, Garage, Ceph RGW, s3rver...). Writes are multipart
// uploads through @aws-sdk/lib-storage (bounded part buffers, so memory stays flat whatever the file size; a
// failed upload is aborted, which discards its parts); reads are GETs, ranged for random access.
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { PassThrough, type Readable } from 'node:stream';
import { checkKey, type BlobBackend } from './backend.js';

export interface S3Options {
  /** Endpoint URL of a non-AWS server (unset: AWS for the region). */
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Path-style URLs (endpoint/bucket/key): what most non-AWS servers need. */
  forcePathStyle: boolean;
  /**
   * 'when_required': send integrity checksums only where the API demands them (servers that do not know the
   * newer CRC checksums or aws-chunked uploads); 'when_supported': the SDK default for AWS.
   */
  checksums: 'when_required' | 'when_supported';
  /** Key prefix inside the bucket. */
  prefix?: string;
  /** Multipart part size (minimum 5 MiB); memory per upload is about partSize × queueSize. */
  partSize?: number;
  queueSize?: number;
}

/** Options from the validated configuration (the S3_* variables). */
export function s3OptionsOf(c: {
  S3_ENDPOINT?: string | undefined;
  S3_REGION?: string | undefined;
  S3_BUCKET?: string | undefined;
  S3_ACCESS_KEY_ID?: string | undefined;
  S3_SECRET_ACCESS_KEY?: string | undefined;
  S3_FORCE_PATH_STYLE: boolean;
  S3_CHECKSUMS: 'when_required' | 'when_supported';
}): S3Options {
  if (!c.S3_REGION || !c.S3_BUCKET || !c.S3_ACCESS_KEY_ID || !c.S3_SECRET_ACCESS_KEY)
    throw new Error('MEDIA_STORAGE=s3 needs S3_REGION, S3_BUCKET, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY');
  return {
    ...(c.S3_ENDPOINT ? { endpoint: c.S3_ENDPOINT } : {}),
    region: c.S3_REGION,
    bucket: c.S3_BUCKET,
    accessKeyId: c.S3_ACCESS_KEY_ID,
    secretAccessKey: c.S3_SECRET_ACCESS_KEY,
    forcePathStyle: c.S3_FORCE_PATH_STYLE,
    checksums: c.S3_CHECKSUMS,
  };
}

export function createS3Client(o: S3Options): S3Client {
  const checksum = o.checksums === 'when_required' ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED';
  return new S3Client({
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    region: o.region,
    forcePathStyle: o.forcePathStyle,
    credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey },
    requestChecksumCalculation: checksum,
    responseChecksumValidation: checksum,
  });
}

function isNotFound(e: unknown): boolean {
  const x = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return x.name === 'NoSuchKey' || x.name === 'NotFound' || x.$metadata?.httpStatusCode === 404;
}

export class ObjectNotFoundError extends Error {
  override name = 'ObjectNotFoundError';
  readonly code = 'ENOENT';
}

export function createS3Backend(o: S3Options, client: S3Client = createS3Client(o)): BlobBackend {
  const prefix = o.prefix ?? 'media/';
  const Bucket = o.bucket;
  const nameOf = (k: string) => `${prefix}${checkKey(k)}.sealed`;
  return {
    kind: 's3',
    async write(k, source) {
      // lib-storage reads the source itself; a PassThrough attaches to it now, so an early error is not lost.
      const body = new PassThrough();
      // lib-storage sees the error when it iterates `body`; this listener covers the time before it does.
      body.on('error', () => undefined);
      source.on('error', (e) => body.destroy(e));
      source.pipe(body);
      const upload = new Upload({
        client,
        params: { Bucket, Key: nameOf(k), Body: body, ContentType: 'application/octet-stream' },
        partSize: o.partSize ?? 5 * 1024 * 1024,
        queueSize: o.queueSize ?? 2,
        // A failed multipart upload is aborted: no parts (and no object) are left behind.
        leavePartsOnError: false,
      });
      try {
        await upload.done();
      } catch (e) {
        await upload.abort().catch(() => undefined);
        throw e;
      }
    },
    async read(k, range) {
      try {
        const r = await client.send(
          new GetObjectCommand({
            Bucket,
            Key: nameOf(k),
            ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
          }),
        );
        return r.Body as Readable;
      } catch (e) {
        if (isNotFound(e)) throw new ObjectNotFoundError('media object not found');
        throw e;
      }
    },
    async size(k) {
      try {
        const r = await client.send(new HeadObjectCommand({ Bucket, Key: nameOf(k) }));
        return r.ContentLength ?? 0;
      } catch (e) {
        if (isNotFound(e)) throw new ObjectNotFoundError('media object not found');
        throw e;
      }
    },
    async remove(k) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: nameOf(k) }));
    },
    async list() {
      const out: Array<{ key: string; mtime: Date }> = [];
      let token: string | undefined;
      do {
        const r = await client.send(
          new ListObjectsV2Command({
            Bucket,
            Prefix: prefix,
            ...(token ? { ContinuationToken: token } : {}),
          }),
        );
        for (const x of r.Contents ?? []) {
          const m = /^([0-9a-f]{32})\.sealed$/.exec((x.Key ?? '').slice(prefix.length));
          if (m) out.push({ key: m[1]!, mtime: x.LastModified ?? new Date(0) });
        }
        token = r.IsTruncated ? r.NextContinuationToken : undefined;
      } while (token);
      return out;
    },
  };
}
