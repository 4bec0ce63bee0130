/**
 * A strict JSON object parser for token headers, payloads and JWK sets.
 *
 * `JSON.parse` keeps the last of two members with the same name and cannot tell us it did;
 * another component (a gateway, a log pipeline, another language) may keep the first, so a
 * token with duplicate members means different things to different readers. RFC 7519 §4 and
 * RFC 7515 §4 allow rejecting them, and security-rules.md §10.1 decides we do. This module
 * walks the text once, iteratively (no recursion, so deep nesting cannot overflow the stack;
 * security-rules.md §0.6), checks the RFC 8259 grammar, the nesting depth and member names,
 * and only then hands the text to the native `JSON.parse` for the values.
 */

/** Names that could reach an object's prototype if someone merged the claims naively. */
const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

/** Why a text was refused. The message names the rule, never the content. */
export class StrictJsonError extends Error {
  override readonly name = 'StrictJsonError';
}

enum Ch {
  Tab = 9,
  Lf = 10,
  Cr = 13,
  Space = 32,
  Quote = 34,
  Plus = 43,
  Comma = 44,
  Minus = 45,
  Dot = 46,
  Zero = 48,
  Nine = 57,
  Colon = 58,
  UpperE = 69,
  LeftBracket = 91,
  Backslash = 92,
  RightBracket = 93,
  LowerE = 101,
  LeftBrace = 123,
  RightBrace = 125,
}

interface Frame {
  /** Member names seen so far, for objects; undefined for arrays. */
  names: Set<string> | undefined;
}

/**
 * Parse `text` as a single JSON object under the strict rules above.
 *
 * @throws {StrictJsonError} on any grammar error, duplicate or forbidden member name, a
 *   top-level value that is not an object, or nesting deeper than `maxDepth`.
 */
export function parseStrictJsonObject(text: string, maxDepth = 32): Record<string, unknown> {
  let i = skipWhitespace(text, 0);
  if (text.charCodeAt(i) !== Ch.LeftBrace) throw new StrictJsonError('not a JSON object');
  const stack: Frame[] = [];
  // The walk alternates between expecting a value and expecting what follows one.
  let expectValue = true;
  while (true) {
    i = skipWhitespace(text, i);
    if (expectValue) {
      const c = text.charCodeAt(i);
      if (c === Ch.LeftBrace || c === Ch.LeftBracket) {
        if (stack.length >= maxDepth) throw new StrictJsonError('nesting too deep');
        const isObject = c === Ch.LeftBrace;
        stack.push({ names: isObject ? new Set() : undefined });
        i = skipWhitespace(text, i + 1);
        const close = isObject ? Ch.RightBrace : Ch.RightBracket;
        if (text.charCodeAt(i) === close) {
          stack.pop();
          i += 1;
          expectValue = false;
          if (stack.length === 0) break;
          continue;
        }
        if (isObject) i = readMemberName(text, i, stack[stack.length - 1]!);
        continue;
      }
      i = readScalar(text, i);
      expectValue = false;
      continue;
    }
    // After a value: a comma or the end of the enclosing container.
    const frame = stack[stack.length - 1];
    if (frame === undefined) break;
    const c = text.charCodeAt(i);
    if (c === Ch.Comma) {
      i = skipWhitespace(text, i + 1);
      if (frame.names !== undefined) i = readMemberName(text, i, frame);
      expectValue = true;
      continue;
    }
    const close = frame.names !== undefined ? Ch.RightBrace : Ch.RightBracket;
    if (c !== close) throw new StrictJsonError('unexpected character');
    stack.pop();
    i += 1;
    if (stack.length === 0) break;
  }
  if (skipWhitespace(text, i) !== text.length) throw new StrictJsonError('trailing characters');
  return JSON.parse(text) as Record<string, unknown>;
}

function skipWhitespace(text: string, i: number): number {
  let c = text.charCodeAt(i);
  while (c === Ch.Space || c === Ch.Lf || c === Ch.Cr || c === Ch.Tab) c = text.charCodeAt(++i);
  return i;
}

/** Reads `"name" :` at `i`, records the name in `frame`, returns the index after the colon. */
function readMemberName(text: string, i: number, frame: Frame): number {
  if (text.charCodeAt(i) !== Ch.Quote) throw new StrictJsonError('expected a member name');
  const end = readString(text, i);
  const raw = text.slice(i + 1, end - 1);
  // Escaped names ("\u0061") must be compared decoded, or duplicates could hide behind escapes.
  const name = raw.includes('\\') ? (JSON.parse(text.slice(i, end)) as string) : raw;
  if (FORBIDDEN_NAMES.has(name)) throw new StrictJsonError('forbidden member name');
  if (frame.names!.has(name)) throw new StrictJsonError('duplicate member name');
  frame.names!.add(name);
  const colon = skipWhitespace(text, end);
  if (text.charCodeAt(colon) !== Ch.Colon) throw new StrictJsonError('expected a colon');
  return colon + 1;
}

/** Returns the index just after the closing quote of the string starting at `i`. */
function readString(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === Ch.Quote) return j + 1;
    if (c < 0x20) throw new StrictJsonError('control character in string');
    if (c === Ch.Backslash) {
      const e = text.charCodeAt(j + 1);
      if (e === 0x75 /* u */) {
        if (!/^[0-9A-Fa-f]{4}$/.test(text.slice(j + 2, j + 6))) {
          throw new StrictJsonError('bad unicode escape');
        }
        j += 6;
        continue;
      }
      // " \ / b f n r t
      if (
        e !== Ch.Quote &&
        e !== Ch.Backslash &&
        e !== 0x2f &&
        e !== 0x62 &&
        e !== 0x66 &&
        e !== 0x6e &&
        e !== 0x72 &&
        e !== 0x74
      ) {
        throw new StrictJsonError('bad escape');
      }
      j += 2;
      continue;
    }
    j += 1;
  }
  throw new StrictJsonError('unterminated string');
}

function readScalar(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === Ch.Quote) return readString(text, i);
  if (c === Ch.Minus || (c >= Ch.Zero && c <= Ch.Nine)) return readNumber(text, i);
  for (const literal of ['true', 'false', 'null']) {
    if (text.startsWith(literal, i)) return i + literal.length;
  }
  throw new StrictJsonError('unexpected character');
}

function isDigit(c: number): boolean {
  return c >= Ch.Zero && c <= Ch.Nine;
}

/** RFC 8259 §6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
function readNumber(text: string, i: number): number {
  let j = i;
  if (text.charCodeAt(j) === Ch.Minus) j += 1;
  if (text.charCodeAt(j) === Ch.Zero) {
    j += 1;
  } else if (isDigit(text.charCodeAt(j))) {
    while (isDigit(text.charCodeAt(j))) j += 1;
  } else {
    throw new StrictJsonError('bad number');
  }
  if (text.charCodeAt(j) === Ch.Dot) {
    j += 1;
    if (!isDigit(text.charCodeAt(j))) throw new StrictJsonError('bad number');
    while (isDigit(text.charCodeAt(j))) j += 1;
  }
  const e = text.charCodeAt(j);
  if (e === Ch.LowerE || e === Ch.UpperE) {
    j += 1;
    const sign = text.charCodeAt(j);
    if (sign === Ch.Plus || sign === Ch.Minus) j += 1;
    if (!isDigit(text.charCodeAt(j))) throw new StrictJsonError('bad number');
    while (isDigit(text.charCodeAt(j))) j += 1;
  }
  return j;
}
