// Structured logs (pino). Personal data never reaches a log line: known sensitive keys are
// redacted wherever they appear, and HTTP logs carry the route pattern, never the raw URL.
import { pino, type Logger, type DestinationStream } from 'pino';

export const REDACTED_KEYS = [
  'name',
  'lastName',
  'firstNames',
  'firstName',
  'birthDate',
  'email',
  'mobile',
  'phone',
  'documentNumber',
  'mrz',
  'code',
  'digits',
  'challenge',
  'password',
  'token',
  'secret',
  'authorization',
  'cookie',
  'apiKey',
  'image',
  'images',
  'frame',
  'descriptor',
] as const;

const paths = REDACTED_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

export function createLogger(
  level: string = process.env.LOG_LEVEL ?? 'info',
  destination?: DestinationStream,
): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: { paths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

export type { Logger };
