/**
 * Calls an observability hook (`onEvent`, in every package) with one event. What
 * the hook throws is swallowed: a hook only observes, so a broken logger or metrics client
 * must never change the outcome of a request (never turn a refusal into a crash, nor an
 * answer into a different one). `undefined` is no hook.
 *
 * @example
 * ```ts
 * notifyHook(options.onEvent, { type: 'allow', sub: auth.sub });
 * ```
 */
export function notifyHook<E>(hook: ((event: E) => void) | undefined, event: E): void {
  if (hook === undefined) return;
  try {
    hook(event);
  } catch {
    // An observability hook must not change the outcome of a request.
  }
}
