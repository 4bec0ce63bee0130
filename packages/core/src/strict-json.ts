/**
 * A strict JSON object parser for token headers, payloads and JWK sets.
 *
 * `JSON.parse` keeps the last of two members with the same name and cannot tell us it did;
 * another component (a gateway, a log pipeline, another language) may keep the first, so a
 * token with duplicate members means different things to different readers. RFC 7519 §4 and
 * RFC 7515 §4 allow rejecting them, and SECURITY.md decision 1 says we do.
 *
 * How, cheaply: the native `JSON.parse` checks the grammar (RFC 8259, no BOM). Every member
 * of every object puts exactly one colon outside string literals into the text, and every
 * distinct member becomes one own property of the parsed value. The two counts differ
 * exactly when some object repeated a name, however it was spelled (`"a"` and `"\u0061"`
 * both parse to `a`). Counting colons is one pass over the characters; counting properties
 * happens in the one walk that copies the value into prototype-free objects.
 */

/** Names that could reach an object's prototype if someone merged the claims naively. */
const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

/** Why a text was refused. The message names the rule, never the content. */
export class StrictJsonError extends Error {
  override readonly name = 'StrictJsonError';
}

const BACKSLASH = 0x5c;

/**
 * Colons outside string literals: one per object member in valid JSON text. Uses `indexOf`
 * (native, fast) to jump between quotes and colons; linear in the length of `text`.
 */
function countMemberColons(text: string): number {
  let count = 0;
  let colon = text.indexOf(':');
  let i = 0;
  while (true) {
    const quote = text.indexOf('"', i);
    const end = quote < 0 ? text.length : quote;
    while (colon >= 0 && colon < end) {
      count += 1;
      colon = text.indexOf(':', colon + 1);
    }
    if (quote < 0) return count;
    i = afterString(text, quote + 1);
    if (colon >= 0 && colon < i) colon = text.indexOf(':', i);
  }
}

/** Index just past the closing quote of the string literal whose body starts at `from`. */
function afterString(text: string, from: number): number {
  let k = from;
  while (true) {
    const quote = text.indexOf('"', k);
    // The text parsed as JSON, so every string literal is closed.
    if (quote < 0) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return quote + 1;
    k = quote + 1;
  }
}

/** Counts object members while it walks the value, so one walk does both. */
interface Walk {
  members: number;
  readonly maxDepth: number;
}

/**
 * Makes `value` (fresh from `JSON.parse`, so nobody else holds it) prototype-free and frozen, in
 * place (R13, R28): a claim or header member can only ever be read from the token itself, even
 * in a process where `Object.prototype` was polluted by something else. The same walk counts
 * members, bounds the nesting depth (SECURITY.md, pitfall 6) and refuses names that could
 * reach a prototype. In place rather than copied into `Object.create(null)` objects: those
 * start in V8's dictionary mode, slower to build and to read, and larger in every cache entry.
 */
function detachFromPrototypes(value: unknown, depth: number, walk: Walk): void {
  if (typeof value !== 'object' || value === null) return;
  if (depth > walk.maxDepth) throw new StrictJsonError('nesting too deep');
  if (Array.isArray(value)) {
    for (const item of value) detachFromPrototypes(item, depth + 1, walk);
    // Arrays keep Array.prototype (their methods are the point of an array); an index can only
    // be read from the array itself, and the array is frozen.
    Object.freeze(value);
    return;
  }
  const object = value as Record<string, unknown>;
  for (const name of Object.keys(object)) {
    if (FORBIDDEN_NAMES.has(name)) throw new StrictJsonError('forbidden member name');
    walk.members += 1;
    detachFromPrototypes(object[name], depth + 1, walk);
  }
  Object.setPrototypeOf(object, null);
  Object.freeze(object);
}

/** JSON's insignificant whitespace (RFC 8259 §2): space, tab, line feed, carriage return. */
function isJsonWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/**
 * True when `text` could be one JSON object: its first and last characters other than JSON
 * whitespace are `{` and `}`. A constant-time look at both ends (for any realistic amount of
 * whitespace), used to refuse payloads that are strings, numbers, arrays or another encoding
 * (UTF-16 text decoded as UTF-8 ends in a NUL) as `MALFORMED` before anything reads them.
 * Passing says nothing more: only {@link parseStrictJsonObject} decides.
 *
 * @example
 * ```ts
 * mayBeJsonObject(' {"a":1} '); // true
 * mayBeJsonObject('"{}"'); // false
 * ```
 */
export function mayBeJsonObject(text: string): boolean {
  let start = 0;
  while (start < text.length && isJsonWhitespace(text.charCodeAt(start))) start += 1;
  let end = text.length - 1;
  while (end > start && isJsonWhitespace(text.charCodeAt(end))) end -= 1;
  return end > start && text.charCodeAt(start) === 0x7b && text.charCodeAt(end) === 0x7d;
}

/**
 * Parse `text` as a single JSON object under the strict rules above. Objects in the result
 * have a `null` prototype, and the result is deeply frozen.
 *
 * @throws {StrictJsonError} on any grammar error, duplicate or forbidden member name, a
 *   top-level value that is not an object, or nesting deeper than `maxDepth`.
 */
export function parseStrictJsonObject(text: string, maxDepth = 32): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // SyntaxError for the grammar; RangeError should the engine run out of stack.
    throw new StrictJsonError('not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new StrictJsonError('not a JSON object');
  }
  const walk: Walk = { members: 0, maxDepth };
  detachFromPrototypes(value, 1, walk);
  if (walk.members !== countMemberColons(text)) throw new StrictJsonError('duplicate member name');
  return value as Record<string, unknown>;
}
