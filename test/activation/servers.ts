// Real loopback servers for the activation tests: an SMTP server (smtp-server) that can be told to
// refuse mail, and an HTTP SMS provider that records what it receives and can be told to fail.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface ReceivedMail {
  raw: string;
  parsed: ParsedMail;
}

export interface LoopbackSmtp {
  port: number;
  mails: ReceivedMail[];
  /**
   * Failures to inflict on the next messages to a recipient, in order: `reject` refuses the message
   * with a temporary error (451), `close` answers RCPT TO with 421 and closes the connection.
   */
  failures: Map<string, Array<'reject' | 'close'>>;
  refused: number;
  closed: number;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<LoopbackSmtp> {
  const state = {
    mails: [] as ReceivedMail[],
    failures: new Map<string, Array<'reject' | 'close'>>(),
    refused: 0,
    closed: 0,
  };
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, cb) {
      const plan = state.failures.get(address.address);
      if (plan?.[0] === 'close') {
        plan.shift();
        state.closed++;
        // smtp-server closes the connection after a 421 reply.
        cb(Object.assign(new Error('Service not available, closing channel'), { responseCode: 421 }));
        return;
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const plan = state.failures.get(session.envelope.rcptTo[0]?.address ?? '');
        if (plan?.[0] === 'reject') {
          plan.shift();
          state.refused++;
          const err = Object.assign(new Error('Try again later'), { responseCode: 451 });
          cb(err);
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((parsed) => {
            state.mails.push({ raw, parsed });
            cb();
          })
          .catch((e: Error) => cb(e));
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as AddressInfo).port;
  return Object.assign(state, {
    port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }) as LoopbackSmtp;
}

export interface SmsRequest {
  authorization: string | undefined;
  body: { to: string; text: string };
}

export interface LoopbackSms {
  url: string;
  requests: SmsRequest[];
  /** Numbers for which the provider answers 500. */
  failFor: Set<string>;
  close(): Promise<void>;
}

export async function startSmsProvider(): Promise<LoopbackSms> {
  const requests: SmsRequest[] = [];
  const failFor = new Set<string>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SmsRequest['body'];
      if (failFor.has(body.to)) {
        res.writeHead(500).end('{"error":"boom"}');
        return;
      }
      requests.push({ authorization: req.headers.authorization, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"m1"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/sms`,
    requests,
    failFor,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Polls until fn returns a truthy value. */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  what: string,
  timeoutMs = 15_000,
): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface ReceivedHook {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** The business service's webhook endpoint. */
export async function startWebhookReceiver(): Promise<{
  url: string;
  hooks: ReceivedHook[];
  close(): Promise<void>;
}> {
  const hooks: ReceivedHook[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hooks.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    hooks,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
