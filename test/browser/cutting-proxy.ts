// A loopback TCP proxy in front of the service that drops the connection once, in the middle of the body of the
// first tus PATCH it sees once armed, after `afterBytes` body bytes went through: a phone losing the network while the
// video is on its way, with part of the bytes already received by the server.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface CuttingProxy {
  url: string;
  /** From now on, the next PATCH is cut. */
  arm(): void;
  /** True once the drop happened. */
  cut(): boolean;
  close(): Promise<void>;
}

export async function cuttingProxy(target: string, afterBytes: number): Promise<CuttingProxy> {
  const t = new URL(target);
  let armed = false;
  let done = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: t.hostname, port: Number(t.port) });
    sockets.add(client).add(upstream);
    let head = '';
    let body = -1;
    client.on('data', (chunk: Buffer) => {
      if (armed && !done) {
        if (body < 0) {
          head = (head + chunk.toString('latin1')).slice(-64 * 1024);
          const at = head.indexOf('PATCH /v1/applicant/uploads/');
          const end = at >= 0 ? head.indexOf('\r\n\r\n', at) : -1;
          if (end >= 0) body = head.length - (end + 4);
        } else body += chunk.length;
        if (body >= afterBytes) {
          // Forward only up to the cut point, then drop both sides.
          const keep = chunk.length - (body - afterBytes);
          done = true;
          upstream.write(chunk.subarray(0, Math.max(0, keep)), () => {
            setTimeout(() => {
              upstream.destroy();
              client.destroy();
            }, 200);
          });
          return;
        }
      }
      upstream.write(chunk);
    });
    upstream.on('data', (c) => client.write(c));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    arm: () => (armed = true),
    cut: () => done,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
