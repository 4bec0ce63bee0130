import { AuthError } from '../src/errors.js';

/** The code a promise rejects with; fails loudly on a resolve or a non-AuthError rejection. */
export async function rejectionCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AuthError) return err.code;
    throw new Error(`expected an AuthError, got ${String(err)}`);
  }
  throw new Error('expected a rejection, but it resolved');
}

/** A clock the test moves by hand: epoch milliseconds. */
export function manualClock(start = Date.UTC(2026, 10, 1)): {
  now: () => number;
  advance: (seconds: number) => void;
} {
  let current = start;
  return {
    now: () => current,
    advance: (seconds) => {
      current += seconds * 1000;
    },
  };
}
