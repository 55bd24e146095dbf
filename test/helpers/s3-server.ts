// A real S3-protocol server for tests: s3rver (npm) in a child process, listening on a free loopback port, its
// objects in a private temporary directory. It speaks multipart uploads and ranged GETs. It authenticates the
// access key id (an unknown one is answered 403 InvalidAccessKeyId) but does NOT verify V4 signatures, and it does
// not implement AbortMultipartUpload (the parts of an aborted upload stay in its upload area, never as an object).
// Stable API (the multi-host test uses it): startS3Server() -> { endpoint, env, options, directory, close() }.
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { tempDir } from './env.js';
import type { S3Options } from '../../service/storage/index.js';

/** s3rver's built-in account (its only one). */
export const S3_TEST_ACCESS_KEY_ID = 'S3RVER';
export const S3_TEST_SECRET_ACCESS_KEY = 'S3RVER';
export const S3_TEST_REGION = 'us-east-1';

export interface S3TestServer {
  /** http://address:port */
  endpoint: string;
  bucket: string;
  /** The settings that point the service at this server (MEDIA_STORAGE=s3 and the S3_* variables). */
  env: Record<string, string>;
  /** The same, as S3 backend options. */
  options: S3Options;
  /** Where the server keeps the objects (ciphertext only, if the service is right). */
  directory: string;
  /** The server's process id. */
  pid: number;
  close(): Promise<void>;
}

export interface S3ServerOptions {
  /** Interface to listen on (default 127.0.0.1; a netns test may give a veth address). */
  address?: string;
  /** Port (default: a free one). */
  port?: number;
  bucket?: string;
}

export async function startS3Server(o: S3ServerOptions = {}): Promise<S3TestServer> {
  const directory = tempDir('idv-s3-');
  const bucket = o.bucket ?? 'idv-media';
  // Its own process: the test's memory figures are then the service's alone.
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      fileURLToPath(new URL('./s3-server-process.ts', import.meta.url)),
      o.address ?? '127.0.0.1',
      String(o.port ?? 0),
      directory,
      bucket,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const addr = await new Promise<{ address: string; port: number }>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (l) => resolve(JSON.parse(l) as { address: string; port: number }));
    child.once('exit', (code) => reject(new Error(`s3 server exited (${code}): ${stderr.slice(0, 500)}`)));
  });
  const endpoint = `http://${addr.address}:${addr.port}`;
  const env = {
    MEDIA_STORAGE: 's3',
    S3_ENDPOINT: endpoint,
    S3_REGION: S3_TEST_REGION,
    S3_BUCKET: bucket,
    S3_ACCESS_KEY_ID: S3_TEST_ACCESS_KEY_ID,
    S3_SECRET_ACCESS_KEY: S3_TEST_SECRET_ACCESS_KEY,
    S3_FORCE_PATH_STYLE: 'true',
    // s3rver predates the CRC32 flexible checksums the SDK sends by default.
    S3_CHECKSUMS: 'when_required',
  };
  return {
    endpoint,
    bucket,
    env,
    options: {
      endpoint,
      region: S3_TEST_REGION,
      bucket,
      accessKeyId: S3_TEST_ACCESS_KEY_ID,
      secretAccessKey: S3_TEST_SECRET_ACCESS_KEY,
      forcePathStyle: true,
      checksums: 'when_required',
    },
    directory,
    pid: child.pid!,
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}
