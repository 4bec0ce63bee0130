/**
 * A strict JSON object parser for token headers, payloads and JWK sets.
 *
 * `JSON.parse` keeps the last of two members with the same name and cannot tell us it did;
 * another component (a gateway, a log pipeline, another language) may keep the first, so a
 * token with duplicate members means different things to different readers. RFC 7519 §4 and
 * RFC 7515 §4 allow rejecting them, and security-rules.md §10.1 decides we do.
 *
 * How, cheaply: the native `JSON.parse` checks the grammar (RFC 8259, no BOM). Every member
 * of every object puts exactly one colon outside string literals into the text, and every
 * distinct member becomes one own property of the parsed value. The two counts differ
 * exactly when some object repeated a name, however it was spelled (`"a"` and `"\u0061"`
 * both parse to `a`). Counting colons is one pass over the characters; counting properties
 * is one walk over the small parsed value, which also enforces the nesting limit
 * (security-rules.md §0.6) and refuses member names that could reach a prototype.
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

/** Own properties of every object in `value`, refusing deep nesting and forbidden names. */
function countMembers(value: object, depth: number, maxDepth: number): number {
  if (depth > maxDepth) throw new StrictJsonError('nesting too deep');
  let count = 0;
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item === 'object' && item !== null)
        count += countMembers(item, depth + 1, maxDepth);
    }
    return count;
  }
  for (const name of Object.keys(value)) {
    if (FORBIDDEN_NAMES.has(name)) throw new StrictJsonError('forbidden member name');
    count += 1;
    const item = (value as Record<string, unknown>)[name];
    if (typeof item === 'object' && item !== null) count += countMembers(item, depth + 1, maxDepth);
  }
  return count;
}

/**
 * Parse `text` as a single JSON object under the strict rules above.
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
  if (countMembers(value, 1, maxDepth) !== countMemberColons(text)) {
    throw new StrictJsonError('duplicate member name');
  }
  return value as Record<string, unknown>;
}
