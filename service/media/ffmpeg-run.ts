// Run one ffmpeg decode through fluent-ffmpeg with its output on a pipe, collected into memory.
// Guarantees: the promise always settles; ffmpeg is SIGKILLed on timeout or when it outputs more than expected;
// every failure is a MediaError (`timeout`, `corrupt` or `interrupted`), never an unhandled stream error.
import { PassThrough } from 'node:stream';
import ffmpeg from 'fluent-ffmpeg';
import { MediaError } from './media-error.js';
import { SAFE_INPUT_OPTIONS, fileInput } from './ffmpeg-paths.js';
import { lastLine } from './probe.js';

export interface FfmpegRunOptions {
  /** Absolute path of the input file. */
  input: string;
  /** Options placed before `-i` (in addition to the protocol/demuxer whitelist). */
  inputOptions: string[];
  /** Options for the single output, which goes to `pipe:1`. */
  outputOptions: string[];
  timeoutMs: number;
  /** Kill ffmpeg when it writes more than this many bytes (a file lying about its size or length). */
  maxBytes: number;
  /** Called with each stderr line (e.g. showinfo timestamps). */
  onStderr?: (line: string) => void;
  /** Called with each output chunk as it arrives (streaming consumers); the whole output is still returned. */
  onData?: (chunk: Buffer) => void;
}

export function runFfmpegToBuffer(o: FfmpegRunOptions): Promise<Buffer> {
  return new Promise<Buffer>((done, fail) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    let processEnded = false;
    let streamEnded = false;
    let failure: MediaError | undefined;

    // stdoutLines bounds both line rings kept by fluent-ffmpeg (stdout itself goes to the pipe).
    const cmd = ffmpeg({ stdoutLines: 40 })
      .input(fileInput(o.input))
      // Spread (several arguments) so that fluent-ffmpeg passes every token unchanged.
      .inputOptions(...SAFE_INPUT_OPTIONS, ...o.inputOptions)
      .outputOptions(...o.outputOptions);

    const finish = (err?: MediaError): void => {
      if (settled) return;
      if (err) {
        settled = true;
        clearTimeout(timer);
        cmd.kill('SIGKILL');
        fail(err);
        return;
      }
      // Success needs both: ffmpeg exited 0 and the pipe delivered its last byte.
      if (processEnded && streamEnded) {
        settled = true;
        clearTimeout(timer);
        done(Buffer.concat(chunks, bytes));
      }
    };

    const timer = setTimeout(() => {
      failure = new MediaError('timeout', `ffmpeg killed after ${o.timeoutMs} ms`);
      finish(failure);
    }, o.timeoutMs);

    // A kill requested before the process existed (fluent-ffmpeg first checks capabilities) is applied at spawn.
    cmd.on('start', () => {
      if (settled) cmd.kill('SIGKILL');
    });
    if (o.onStderr) cmd.on('stderr', o.onStderr);
    cmd.on('error', (err: Error, _stdout: string | null, stderr: string | null) => {
      finish(failure ?? classifyFailure(err, stderr));
    });
    cmd.on('end', () => {
      processEnded = true;
      finish();
    });

    // No 'close' event: fluent-ffmpeg fails the command ("Output stream closed") and kills ffmpeg 20 ms after
    // its output stream closes unless the process has exited by then, which a loaded machine often misses
    // after a complete decode. The process's own exit ('end' or 'error') is the verdict.
    const out = new PassThrough({ emitClose: false });
    out.on('data', (c: Buffer) => {
      bytes += c.length;
      if (bytes > o.maxBytes) {
        failure = new MediaError('corrupt', `ffmpeg produced more than the expected ${o.maxBytes} bytes`);
        finish(failure);
        return;
      }
      chunks.push(c);
      o.onData?.(c);
    });
    out.on('end', () => {
      streamEnded = true;
      finish();
    });
    out.on('error', () => undefined); // reported through the command's 'error' event
    cmd.pipe(out, { end: true });
  });
}

/**
 * Only ffmpeg's own verdict (it ran and exited with an error code) says something about the bytes. A signal we did
 * not send (OOM killer), a closed or broken output pipe and a failed spawn are about the machine: retryable.
 */
export function classifyFailure(err: Error, stderr: string | null): MediaError {
  if (/^ffmpeg exited with code \d+/.test(err.message))
    return new MediaError('corrupt', `ffmpeg failed: ${lastLine(stderr ?? err.message)}`, undefined, {
      cause: err,
    });
  return new MediaError('interrupted', `ffmpeg interrupted: ${lastLine(err.message)}`, undefined, {
    cause: err,
  });
}
