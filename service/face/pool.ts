// A fixed-size pool of face worker processes. One request per worker at a time, FIFO queue, a crashed
// worker fails only its in-flight request (FaceWorkerCrashedError) and is respawned.
import { fork, type ChildProcess } from 'node:child_process';
import { resolveEntry } from '../shared/entry.js';
import {
  FaceEngineClosedError,
  FaceInferenceError,
  FaceModelIntegrityError,
  FaceWorkerCrashedError,
} from './errors.js';
import type { WorkerMessage, WorkerRequest, WorkerResults } from './protocol.js';

export interface FacePoolOptions {
  /** Number of worker processes. Default 1. */
  size?: number;
  /** Model directory override (default: the installed @vladmandic/face-api package). */
  modelDir?: string;
  /** Called once per worker start with the backend it runs (for logging). */
  onBackend?: (backend: string, pid: number) => void;
  /** Called when a worker exits unexpectedly. */
  onCrash?: (info: { pid: number; code: number | null; signal: string | null }) => void;
}

type Op = WorkerRequest['op'];
type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

interface Task {
  req: Request;
  resolve: (v: { result: unknown; ms: number; cpuMs: number }) => void;
  reject: (e: Error) => void;
}

interface Slot {
  child: ChildProcess;
  ready: boolean;
  task: { id: number; task: Task } | null;
}

export class FacePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;
  private fatal: Error | null = null;
  private readonly readyWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  /** Backend of the first worker that reported ready. */
  backend = 'unknown';

  constructor(private readonly opts: FacePoolOptions = {}) {
    const size = Math.max(1, opts.size ?? 1);
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  get size(): number {
    return this.slots.length;
  }

  /** Process ids of the live workers (ops and tests). */
  pids(): number[] {
    return this.slots.map((s) => s.child.pid ?? -1);
  }

  /** Resolves when every worker has loaded its models; rejects if model verification failed. */
  ready(): Promise<void> {
    if (this.fatal) return Promise.reject(this.fatal);
    if (this.closed) return Promise.reject(new FaceEngineClosedError());
    if (this.slots.every((s) => s.ready)) return Promise.resolve();
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  run<O extends Op>(
    req: Extract<Request, { op: O }>,
  ): Promise<{ result: WorkerResults[O]; ms: number; cpuMs: number }> {
    if (this.fatal) return Promise.reject(this.fatal);
    if (this.closed) return Promise.reject(new FaceEngineClosedError());
    return new Promise((resolve, reject) => {
      this.queue.push({ req, resolve: resolve as Task['resolve'], reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.queue.splice(0)) t.reject(new FaceEngineClosedError());
    for (const w of this.readyWaiters.splice(0)) w.reject(new FaceEngineClosedError());
    await Promise.all(
      this.slots.map(
        (s) =>
          new Promise<void>((resolve) => {
            if (s.task) s.task.task.reject(new FaceEngineClosedError());
            s.task = null;
            if (s.child.exitCode !== null || s.child.signalCode !== null) return resolve();
            s.child.once('exit', () => resolve());
            s.child.kill('SIGTERM');
          }),
      ),
    );
  }

  private spawn(): Slot {
    const entry = resolveEntry(import.meta.url, './worker');
    const env = { ...process.env };
    if (this.opts.modelDir) env.IDV_FACE_MODEL_DIR = this.opts.modelDir;
    const child = fork(entry.file, [], {
      execArgv: entry.execArgv,
      serialization: 'advanced',
      env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const slot: Slot = { child, ready: false, task: null };
    child.on('message', (msg: WorkerMessage) => this.onMessage(slot, msg));
    child.on('exit', (code, signal) => this.onExit(slot, code, signal));
    child.on('error', () => {
      /* 'exit' follows; handled there */
    });
    return slot;
  }

  private onMessage(slot: Slot, msg: WorkerMessage): void {
    if (msg.type === 'ready') {
      slot.ready = true;
      if (this.backend === 'unknown') this.backend = msg.backend;
      this.opts.onBackend?.(msg.backend, slot.child.pid ?? -1);
      if (this.slots.every((s) => s.ready)) for (const w of this.readyWaiters.splice(0)) w.resolve();
      this.dispatch();
    } else if (msg.type === 'fatal') {
      // Model verification/loading failed: respawning would fail the same way.
      this.fatal =
        msg.name === 'FaceModelIntegrityError'
          ? new FaceModelIntegrityError(msg.message, '')
          : new FaceInferenceError(msg.message);
      for (const w of this.readyWaiters.splice(0)) w.reject(this.fatal);
      for (const t of this.queue.splice(0)) t.reject(this.fatal);
    } else if (msg.type === 'result') {
      const cur = slot.task;
      if (!cur || cur.id !== msg.id) return;
      slot.task = null;
      if (msg.ok) cur.task.resolve({ result: msg.result, ms: msg.ms, cpuMs: msg.cpuMs });
      else cur.task.reject(new FaceInferenceError(msg.message));
      this.dispatch();
    }
  }

  private onExit(slot: Slot, code: number | null, signal: NodeJS.Signals | null): void {
    const idx = this.slots.indexOf(slot);
    if (slot.task) {
      slot.task.task.reject(
        new FaceWorkerCrashedError(
          `face worker exited (code ${code}, signal ${signal}) during a request`,
          code,
          signal,
        ),
      );
      slot.task = null;
    }
    if (this.closed || this.fatal || idx < 0) return;
    this.opts.onCrash?.({ pid: slot.child.pid ?? -1, code, signal });
    this.slots[idx] = this.spawn();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (!slot.ready || slot.task || !slot.child.connected) continue;
      const task = this.queue.shift()!;
      const id = this.nextId++;
      slot.task = { id, task };
      slot.child.send({ ...task.req, id } as WorkerRequest);
    }
  }
}
