// The HTTP server of the API: Node's own timeouts set from config, so that a slow client (headers or upload
// trickled byte by byte) cannot hold a connection for Node's default 300 s.
import { createServer, type RequestListener, type Server } from 'node:http';

export interface ListenOptions {
  port: number;
  host: string;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
}

export function listen(app: RequestListener, o: ListenOptions): Promise<Server> {
  const server = createServer(
    {
      headersTimeout: o.headersTimeoutMs,
      requestTimeout: o.requestTimeoutMs,
      // How often Node checks those timeouts (default 30 s would let a short timeout run long).
      connectionsCheckingInterval: Math.min(1_000, o.headersTimeoutMs),
    },
    app,
  );
  return new Promise<Server>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve(server));
  });
}
