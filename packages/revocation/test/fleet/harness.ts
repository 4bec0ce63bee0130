import { type ChildProcess, fork, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection as connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InitMessage } from './worker.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('../../../../', import.meta.url));

/** A free TCP port on 127.0.0.1 (asked from the OS, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Bundles the worker (TypeScript sources, Redis and AWS clients) into one CommonJS file. */
export async function bundleWorker(dir: string): Promise<string> {
  const esbuild = await import('esbuild');
  const outfile = join(dir, 'worker.cjs');
  await esbuild.build({
    entryPoints: [join(here, 'worker.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'silent',
    alias: {
      '@cognito-guard/core/http': join(root, 'packages/core/src/http.ts'),
      '@cognito-guard/core': join(root, 'packages/core/src/index.ts'),
    },
  });
  return outfile;
}

interface Pending {
  resolve(value: Record<string, unknown>): void;
  reject(err: Error): void;
}

/** One forked instance, spoken to by request/reply. */
export class Worker {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  readonly child: ChildProcess;
  constructor(file: string) {
    this.child = fork(file, [], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      // The AWS SDK v3 prints a Node-support notice on Node 20 in every process that loads
      // it; the variable is the SDK's documented switch for it.
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    this.child.on('message', (m: { type: string; id?: number; message?: string }) => {
      if (m.id === undefined) return;
      const p = this.pending.get(m.id);
      if (p === undefined) return;
      this.pending.delete(m.id);
      if (m.type === 'error') p.reject(new Error(m.message));
      else p.resolve(m as Record<string, unknown>);
    });
    this.child.on('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error('worker exited'));
      this.pending.clear();
    });
  }
  init(message: InitMessage, timeoutMs = 15_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('worker init timed out')), timeoutMs);
      const onMessage = (m: { type: string; message?: string }) => {
        if (m.type === 'ready' || m.type === 'error') {
          clearTimeout(timer);
          this.child.off('message', onMessage);
          m.type === 'ready' ? resolve() : reject(new Error(m.message));
        }
      };
      this.child.on('message', onMessage);
      this.child.send(message);
    });
  }
  call<T extends Record<string, unknown>>(
    message: Record<string, unknown>,
    timeoutMs = 15_000,
  ): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`worker ${String(message['type'])} timed out`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.send({ ...message, id });
    });
  }
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await this.call({ type: 'close' }, 3_000).catch(() => undefined);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

export interface Outcome extends Record<string, unknown> {
  ok: boolean;
  code?: string;
  at?: number;
}

/** Polls `check` every `everyMs` until it is true or `deadlineMs` passes; returns whether it was. */
export async function waitFor(
  check: () => Promise<boolean>,
  deadlineMs: number,
  everyMs = 50,
): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  for (let i = 0; i < 10_000 && Date.now() < end; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return check();
}

/** The p-th percentile (0-100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  ]!;
}

/** Whether `redis-server` can be run here. */
export function hasRedisServer(): boolean {
  return !spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).error;
}

/** A real redis-server on 127.0.0.1, with its data (AOF) in a temporary directory. */
export class RedisServer {
  readonly dir = mkdtempSync(join(tmpdir(), 'cognito-guard-redis-'));
  private process: ChildProcess | undefined;
  constructor(readonly port: number) {}
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }
  async start(): Promise<void> {
    const proc = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
        '--enable-debug-command',
        'local',
        '--loglevel',
        'warning',
      ],
      { stdio: 'ignore' },
    );
    this.process = proc;
    const up = await waitFor(
      () =>
        new Promise<boolean>((resolve) => {
          const socket: Socket = createConnection(this.port);
          socket.once('connect', () => {
            socket.destroy();
            resolve(true);
          });
          socket.once('error', () => resolve(false));
        }),
      10_000,
      25,
    );
    if (!up) throw new Error(`redis-server did not start on 127.0.0.1:${this.port}`);
  }
  async stop(): Promise<void> {
    const proc = this.process;
    this.process = undefined;
    if (proc === undefined || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function createConnection(port: number): Socket {
  return connect(port, '127.0.0.1');
}

/**
 * A TCP relay on 127.0.0.1 in front of a server: `cut()` stops it and drops every connection
 * (an outage the server itself survives, state included), `restore()` listens again.
 */
export class Relay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  constructor(
    readonly port: number,
    private readonly target: number,
  ) {}
  async restore(): Promise<void> {
    const server = createServer((socket) => {
      const upstream = connect(this.target, '127.0.0.1');
      this.sockets.add(socket).add(upstream);
      const drop = () => {
        socket.destroy();
        upstream.destroy();
        this.sockets.delete(socket);
        this.sockets.delete(upstream);
      };
      socket.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      socket.pipe(upstream).pipe(socket);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.server = server;
  }
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server !== undefined) await new Promise((resolve) => server.close(resolve));
  }
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
