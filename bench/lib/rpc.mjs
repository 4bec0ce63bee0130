/**
 * Child processes for the bench: every measurement that must not share a process with the
 * orchestrator (HTTP servers, the load generator, cold starts, memory) runs in a forked child
 * that answers calls over the IPC channel. Calls go both ways (a child asks the orchestrator
 * for the JWKS server's request count). Every child is tracked and killed when the
 * orchestrator ends, also on error or signal.
 */
import { fork } from 'node:child_process';

/** Every child still alive, killed by {@link killAllChildren}. */
const live = new Set();

/**
 * Symmetric request/response over a process IPC channel.
 * `endpoint` is a ChildProcess (parent side) or `process` (child side).
 */
function createChannel(endpoint, handlers) {
  let nextId = 1;
  const pending = new Map();
  endpoint.on('message', async (message) => {
    if (message === null || typeof message !== 'object') return;
    if (message.kind === 'result') {
      const waiter = pending.get(message.id);
      if (waiter === undefined) return;
      pending.delete(message.id);
      clearTimeout(waiter.timer);
      if (message.ok) waiter.resolve(message.value);
      else waiter.reject(new Error(message.error));
      return;
    }
    if (message.kind !== 'call') return;
    const handler = handlers[message.method];
    try {
      if (handler === undefined) throw new Error(`no handler for ${message.method}`);
      const value = await handler(message.params);
      if (endpoint.connected) endpoint.send({ kind: 'result', id: message.id, ok: true, value });
    } catch (err) {
      // Only the message: an error object could carry request data.
      const error = err instanceof Error ? err.message : String(err);
      if (endpoint.connected) endpoint.send({ kind: 'result', id: message.id, ok: false, error });
    }
  });
  const failAll = (reason) => {
    for (const [id, waiter] of pending) {
      pending.delete(id);
      clearTimeout(waiter.timer);
      waiter.reject(new Error(reason));
    }
  };
  return {
    /** Calls `method` on the other side; rejects after `timeoutMs`. */
    call(method, params, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        if (!endpoint.connected) {
          reject(new Error(`channel closed before ${method}`));
          return;
        }
        const id = nextId++;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${method} timed out after ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { resolve, reject, timer });
        endpoint.send({ kind: 'call', id, method, params });
      });
    },
    failAll,
  };
}

/**
 * Forks `script` (a module under bench/) and returns a handle with `call` and `stop`.
 * `handlers` answer the child's calls to the parent.
 */
export function startChild(script, { env = {}, execArgv = [], handlers = {}, args = [] } = {}) {
  const child = fork(script, args, {
    env: { ...process.env, ...env },
    execArgv,
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  live.add(child);
  const channel = createChannel(child, handlers);
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      channel.failAll(`child ${script} exited (${signal ?? code})`);
      resolve({ code, signal });
    });
  });
  const ready = new Promise((resolve, reject) => {
    const onMessage = (message) => {
      if (message?.kind === 'ready') {
        child.off('message', onMessage);
        resolve();
      }
    };
    child.on('message', onMessage);
    exited.then(({ code, signal }) =>
      reject(new Error(`child ${script} exited before ready (${signal ?? code})`)),
    );
  });
  return {
    pid: child.pid,
    ready,
    exited,
    call: channel.call,
    /** Ends the child: a polite disconnect and SIGTERM, then SIGKILL after `graceMs`. */
    async stop(graceMs = 2000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Pids of the children still alive (for CPU accounting). */
export function livePids() {
  return [...live].map((child) => child.pid).filter((pid) => pid !== undefined);
}

/** Kills every child this process started (by its own handle, never by name). */
export function killAllChildren() {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
  live.clear();
}

/**
 * Child side: answers the parent's calls with `handlers`, tells it we are ready, and exits
 * when the parent goes away, so no child outlives a crashed orchestrator.
 */
export function serveParent(handlers) {
  if (process.send === undefined) throw new Error('this module must be started by bench/run.mjs');
  const channel = createChannel(process, handlers);
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
  process.send({ kind: 'ready' });
  return channel;
}
