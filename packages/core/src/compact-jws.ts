import { AuthError, refusal } from './errors.js';
import { parseStrictJsonObject } from './strict-json.js';

/**
 * Strict decoding of a compact JWS (RFC 7515 §7.1), before anything trusts it.
 *
 * Node's `Buffer.from(s, 'base64url')` accepts padding, whitespace, `+` and `/`, and ignores
 * non-zero trailing bits, and `buf.toString('utf8')` replaces invalid sequences
 * (SECURITY.md, pitfall 2). Either lets one token have many spellings, which breaks
 * token-keyed caches and deny lists, so each segment is checked against the canonical
 * alphabet and trailing bits here (R02), and decoded with a fatal UTF-8 decoder (R03).
 */

/** The `header` of a split whose header segment the caller had already judged (`knownHeader`). */
const KNOWN_HEADER: Record<string, unknown> = Object.freeze(Object.create(null));

/** A token split and decoded, not yet verified. */
export interface DecodedJws {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
  readonly signature: Buffer;
  /** The exact received signing input, `header '.' payload`, as bytes (R05). */
  readonly signingInput: Buffer;
}

/** Size limits checked before any decoding (SECURITY.md R39, decision 10). */
export interface JwsLimits {
  readonly maxTokenBytes: number;
  readonly maxHeaderBytes: number;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

// `ignoreBOM: true` keeps a leading BOM in the text, so the JSON parser refuses it (decision 9)
// instead of the decoder silently dropping it.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes one segment, or throws if it is not canonical unpadded base64url. */
export function decodeBase64UrlStrict(segment: string): Buffer | undefined {
  if (!BASE64URL.test(segment)) return undefined;
  const rest = segment.length % 4;
  if (rest === 1) return undefined;
  if (rest !== 0) {
    // The last character carries 4 (rest 2) or 2 (rest 3) bits that encode nothing; they must
    // be zero, or "QQ" and "QR" would both be the letter "A".
    const value = ALPHABET.indexOf(segment[segment.length - 1]!);
    const unusedMask = rest === 2 ? 0x0f : 0x03;
    if ((value & unusedMask) !== 0) return undefined;
  }
  return Buffer.from(segment, 'base64url');
}

/** The UTF-8 text of one segment, or throws `MALFORMED` if it is not canonical base64url or UTF-8. */
function decodeTextSegment(segment: string): string {
  const bytes = decodeBase64UrlStrict(segment);
  if (bytes === undefined) throw refusal('MALFORMED', 'segment is not base64url');
  try {
    return utf8.decode(bytes);
  } catch {
    throw refusal('MALFORMED', 'segment is not UTF-8');
  }
}

function parseJsonSegment(text: string): Record<string, unknown> {
  try {
    return parseStrictJsonObject(text);
  } catch (err) {
    throw new AuthError('MALFORMED', { cause: err });
  }
}

/**
 * A token split and checked, its payload decoded to text but not parsed: what the verifier
 * holds before the signature is known. Parsing is the one step whose cost depends on the
 * shape an attacker chooses (members, nesting), so it waits for the signature.
 */
export interface SplitJws {
  readonly header: Record<string, unknown>;
  /** The payload's UTF-8 text, not yet parsed. */
  readonly payloadText: string;
  readonly signature: Buffer;
  /** The exact received signing input, `header '.' payload`, as bytes (R05). */
  readonly signingInput: Buffer;
}

/**
 * Split `token` under the strict rules and decode its header (parsed, then `checkHeader`
 * runs on it), payload (to text) and signature, or throw an {@link AuthError} (`TOO_LARGE`,
 * `MALFORMED`, or whatever `checkHeader` throws). Every step is linear in the token's length
 * and independent of what the payload says. When `knownHeader` answers `true` for the header
 * segment, the header is neither decoded nor checked, and `header` is an empty object.
 */
export function splitCompactJws(
  token: unknown,
  limits: JwsLimits,
  checkHeader?: (header: Record<string, unknown>) => void,
  knownHeader?: (segment: string) => boolean,
): SplitJws {
  if (typeof token !== 'string' || token.length === 0) {
    throw refusal('MALFORMED', 'token is not a non-empty string');
  }
  // Caps come before any split or allocation (CVE-2025-30204: a token made of dots).
  if (token.length > limits.maxTokenBytes) throw refusal('TOO_LARGE');
  const first = token.indexOf('.');
  const second = first < 0 ? -1 : token.indexOf('.', first + 1);
  if (second < 0 || token.indexOf('.', second + 1) >= 0) {
    // Exactly three segments: a five-part JWE is never decrypted (R01, CVE-2022-36083).
    throw refusal('MALFORMED', 'not three segments');
  }
  if (first > limits.maxHeaderBytes) throw refusal('TOO_LARGE');
  const headerSegment = token.slice(0, first);
  let header: Record<string, unknown> = KNOWN_HEADER;
  // A header segment the caller already judged (the exact same characters, so the same header:
  // the verifier remembers the headers of tokens it accepted) is not decoded again.
  if (knownHeader === undefined || !knownHeader(headerSegment)) {
    header = parseJsonSegment(decodeTextSegment(headerSegment));
    // The header (alg first) is judged before anything else in the token (SECURITY.md, attack
    // class 1; RFC 8725 §3.1): `alg: none` with an empty signature is ALG_NOT_ALLOWED, not
    // merely MALFORMED.
    checkHeader?.(header);
  }
  const payloadText = decodeTextSegment(token.slice(first + 1, second));
  const signature = decodeBase64UrlStrict(token.slice(second + 1));
  if (signature === undefined) {
    throw refusal('MALFORMED', 'signature is not base64url');
  }
  // The token is ASCII by now (base64url and dots), so latin1 is its exact byte encoding.
  return {
    header,
    payloadText,
    signature,
    signingInput: Buffer.from(token.slice(0, second), 'latin1'),
  };
}

/**
 * Split and decode `token` under the strict rules, or throw an {@link AuthError}
 * (`TOO_LARGE` or `MALFORMED`, or whatever `checkHeader` throws: it runs on the decoded header
 * before the payload and signature are decoded).
 */
export function decodeCompactJws(
  token: unknown,
  limits: JwsLimits,
  checkHeader?: (header: Record<string, unknown>) => void,
): DecodedJws {
  const { header, payloadText, signature, signingInput } = splitCompactJws(
    token,
    limits,
    checkHeader,
  );
  return { header, payload: parseJsonSegment(payloadText), signature, signingInput };
}
