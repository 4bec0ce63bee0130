/**
 * Unknown option keys are configuration mistakes: `tokenuse`, `clientID` or an option from
 * another library would otherwise be ignored, and a check the application thinks it has
 * configured would silently not run. Every options object of cognito-guard (core and the
 * adapters) spells its keys once, next to its type, with {@link optionKeys}, and checks them
 * with {@link checkOptionKeys} when it is created.
 */

/** Every key of every member of a union. */
type AllKeys<T> = T extends unknown ? keyof T : never;

/**
 * The known keys of an options type, as an object literal of `true`s. The compiler checks it
 * against the type both ways: a key missing from the list, or a key the type does not have,
 * does not compile. Adding an option to a type therefore points at its list.
 *
 * @example
 * ```ts
 * const keys: OptionKeyList<{ a?: number; b: string }> = { a: true, b: true };
 * ```
 */
export type OptionKeyList<T> = { readonly [K in AllKeys<T> & string]-?: true };

/**
 * The known keys of an options type, spelled once next to the type.
 *
 * @example
 * ```ts
 * interface WidgetOptions { readonly size?: number; readonly color?: string }
 * const WIDGET_KEYS = optionKeys<WidgetOptions>({ size: true, color: true });
 * ```
 */
export function optionKeys<T>(keys: OptionKeyList<T>): ReadonlySet<string> {
  return new Set(Object.keys(keys));
}

/**
 * Keys that are known, but belong to another options object: reported with `why` instead of
 * as unknown (e.g. a pool's `clientId` next to `userPools`, or verifier options next to a
 * `verifier`).
 *
 * @example
 * ```ts
 * const misplaced: MisplacedKeys = { keys: new Set(['clientId']), why: 'goes in each entry of userPools' };
 * ```
 */
export interface MisplacedKeys {
  readonly keys: ReadonlySet<string>;
  readonly why: string;
}

/**
 * Throws a `TypeError` naming the first own key of `options` that is not in `known`, with a
 * suggestion when a known key is close (`tokenuse` → `tokenUse`). Anything that is not an
 * object is left to the caller's own checks.
 *
 * @example
 * ```ts
 * checkOptionKeys(options, WIDGET_KEYS, 'createWidget');
 * // TypeError: cognito-guard: unknown createWidget option "colour" (did you mean "color"?)
 * ```
 */
export function checkOptionKeys(
  options: unknown,
  known: ReadonlySet<string>,
  what: string,
  misplaced?: MisplacedKeys,
): void {
  if (typeof options !== 'object' || options === null) return;
  for (const key of Object.keys(options)) {
    if (known.has(key)) continue;
    const shown = JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key);
    if (misplaced?.keys.has(key)) {
      throw new TypeError(`cognito-guard: ${what} option ${shown} ${misplaced.why}`);
    }
    const near = closest(key, known);
    throw new TypeError(
      `cognito-guard: unknown ${what} option ${shown}${near === undefined ? '' : ` (did you mean "${near}"?)`}`,
    );
  }
}

/** The known key `key` most likely meant: same letters in another case, or two edits away. */
function closest(key: string, known: ReadonlySet<string>): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    if (candidate.toLowerCase() === lower) return candidate;
    if (Math.abs(candidate.length - key.length) >= bestDistance || candidate.length < 4) continue;
    const distance = editDistance(lower, candidate.toLowerCase(), bestDistance);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance, giving up (returning `limit`) once it cannot be below `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (a.length > 256 || b.length > 256) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin >= limit) return limit;
    previous = current;
  }
  return Math.min(previous[b.length]!, limit);
}

/** The deprecation codes already warned about in this process. */
const WARNED = new Set<string>();

/**
 * Reads an option that was renamed: the value under `newKey`, else the one under the
 * deprecated `oldKey`, with a one-time `DeprecationWarning` (`process.emitWarning`, with
 * `code`, once per process and code). Both keys at once is a `TypeError`, at creation. Keep
 * `oldKey` in the adapter's known keys (and in its options type, marked `@deprecated`).
 *
 * @example
 * ```ts
 * const policy = renamedOption(options, 'require', 'policy', 'COGNITO_GUARD_DEP_REQUIRE', 'createRestTokenAuthorizer');
 * ```
 */
export function renamedOption<T>(
  options: object,
  oldKey: string,
  newKey: string,
  code: string,
  where: string,
): T | undefined {
  const record = options as Readonly<Record<string, unknown>>;
  const old = record[oldKey];
  if (old === undefined) return record[newKey] as T | undefined;
  if (record[newKey] !== undefined) {
    throw new TypeError(
      `cognito-guard: ${where} takes ${newKey}; ${oldKey} is its deprecated name: give one, not both`,
    );
  }
  if (!WARNED.has(code)) {
    WARNED.add(code);
    process.emitWarning(
      `cognito-guard: the option ${oldKey} of ${where} is deprecated and will be removed in the next major version; use ${newKey}`,
      { type: 'DeprecationWarning', code },
    );
  }
  return old as T;
}
