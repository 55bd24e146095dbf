// s3rver in its own process (so that a test's memory figures are the service's alone, and a netns test can run
// it inside a namespace): `node --import tsx test/helpers/s3-server-process.ts <address> <port> <dir> <bucket>`.
// Prints one JSON line {"address","port"} once listening; stops on SIGTERM.
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverCtor = new (o: Record<string, unknown>) => S3rverInstance;

const [address = '127.0.0.1', port = '0', directory, bucket = 'idv-media'] = process.argv.slice(2);
if (!directory) throw new Error('usage: s3-server-process.ts <address> <port> <dir> [bucket]');
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverCtor;
const server = new S3rver({
  address,
  port: Number(port),
  silent: true,
  directory,
  configureBuckets: [{ name: bucket }],
});
const addr = await server.run();
process.stdout.write(`${JSON.stringify({ address: addr.address, port: addr.port })}\n`);
process.on('SIGTERM', () => {
  void server.close().finally(() => process.exit(0));
});
