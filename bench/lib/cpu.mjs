/**
 * Background CPU: how much of the machine was busy with processes that are not this bench
 * while a figure was measured. The development machine is shared (other test suites run on
 * it), so every measurement records it, waits (bounded) for a quiet moment before it starts,
 * and the report prints it next to the figures. Linux only (/proc); elsewhere it reports n/a.
 */
import { readFileSync } from 'node:fs';
import { livePids } from './rpc.mjs';
import { sleep } from './stats.mjs';

function readTotalBusy() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1);
    const values = fields.map(Number);
    const total = values.reduce((a, b) => a + b, 0);
    // idle + iowait are the only ticks not spent running something.
    return total - values[3] - (values[4] ?? 0);
  } catch {
    return undefined;
  }
}

function readPidTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces; fields resume after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

function snapshot() {
  const pids = [process.pid, ...livePids()];
  const ours = new Map(pids.map((pid) => [pid, readPidTicks(pid)]));
  return { at: performance.now(), busy: readTotalBusy(), ours };
}

/** Starts a window; `stop()` returns the cores used by others and by us during it. */
export function cpuWindow() {
  const start = snapshot();
  return {
    stop() {
      const end = snapshot();
      if (start.busy === undefined || end.busy === undefined) {
        return {
          backgroundCores: Number.NaN,
          benchCores: Number.NaN,
          coresOf: () => Number.NaN,
          cpuSecondsOf: () => Number.NaN,
        };
      }
      // USER_HZ is 100 on every Linux we run on: ticks are 10 ms.
      const seconds = (end.at - start.at) / 1000;
      let ours = 0;
      for (const [pid, ticks] of end.ours) {
        ours += ticks - (start.ours.get(pid) ?? ticks);
      }
      const busy = end.busy - start.busy;
      return {
        backgroundCores: Math.max(0, (busy - ours) / 100 / seconds),
        benchCores: ours / 100 / seconds,
        /** Cores used by one of our processes during the window. */
        coresOf: (pid) => ((end.ours.get(pid) ?? 0) - (start.ours.get(pid) ?? 0)) / 100 / seconds,
        /** CPU seconds one of our processes used during the window. */
        cpuSecondsOf: (pid) => ((end.ours.get(pid) ?? 0) - (start.ours.get(pid) ?? 0)) / 100,
      };
    },
  };
}

/**
 * Waits until other processes use less than `thresholdCores` for `probeMs`, at most `maxMs`.
 * Returns the background load of the last probe. Spends from `budget.ms`, so a busy machine
 * makes the run noisier, never endless.
 */
export async function waitForQuiet(
  budget,
  { thresholdCores = 0.3, probeMs = 300, maxMs = 10_000 } = {},
) {
  const deadline = performance.now() + Math.min(maxMs, budget.ms);
  let load = Number.NaN;
  while (true) {
    const window = cpuWindow();
    const t0 = performance.now();
    await sleep(probeMs);
    load = window.stop().backgroundCores;
    if (!(load >= thresholdCores) || performance.now() >= deadline) {
      budget.ms = Math.max(0, budget.ms - (performance.now() - t0));
      return load;
    }
    budget.ms = Math.max(0, budget.ms - (performance.now() - t0));
    budget.waitedMs = (budget.waitedMs ?? 0) + (performance.now() - t0);
  }
}
