/**
 * Revocation entries: what a store holds and what travels between instances.
 *
 * Three rules, each mirroring what Amazon Cognito does on its own side:
 * - `session` (`origin_jti`): RevokeToken revokes a refresh token and every access and ID
 *   token issued from it; those tokens share the refresh token's `origin_jti` claim
 *   (https://docs.aws.amazon.com/cognito/latest/developerguide/token-revocation.html).
 * - `user` (`sub` + issue time): GlobalSignOut and AdminUserGlobalSignOut invalidate every
 *   token Cognito issued to the user so far; here, every token of that `sub` whose `iat` is at
 *   or before the sign-out second.
 * - `token` (`jti`): one access or ID token.
 */

/** The kind of a revocation entry. */
export type RevocationKind = 'session' | 'user' | 'token';

/**
 * One revocation, as stored and exchanged. Entries are only ever added: a list never forgets
 * one before `expiresAt`, so merging two snapshots can never let a revoked token back in.
 */
export interface RevocationEntry {
  readonly kind: RevocationKind;
  /** `origin_jti` (session), `sub` (user) or `jti` (token). */
  readonly id: string;
  /**
   * Epoch ms when it was recorded. For `user`, tokens whose `iat` (seconds) is at or before
   * this second are revoked.
   */
  readonly at: number;
  /** Epoch ms after which no token it covers can still be valid; the entry is then dropped. */
  readonly expiresAt: number;
}

/** The longest id accepted: Cognito's `jti`/`origin_jti`/`sub` are 36-character UUIDs. */
export const MAX_ID_LENGTH = 256;

const KIND_CODE: Readonly<Record<RevocationKind, string>> = { session: 's', user: 'u', token: 't' };
const CODE_KIND: Readonly<Record<string, RevocationKind>> = { s: 'session', u: 'user', t: 'token' };

/** The field name of an entry in a store: one field per rule and id. */
export function entryField(entry: Pick<RevocationEntry, 'kind' | 'id'>): string {
  return `${KIND_CODE[entry.kind]}:${entry.id}`;
}

/** The wire form of an entry: short JSON, `{"k":"s","id":"…","at":…,"exp":…}`. */
export function encodeEntry(entry: RevocationEntry): string {
  return JSON.stringify({
    k: KIND_CODE[entry.kind],
    id: entry.id,
    at: entry.at,
    exp: entry.expiresAt,
  });
}

/** Why a stored entry was refused. */
export type InvalidEntryReason = 'not-json' | 'shape' | 'kind' | 'id' | 'time';

/** The result of {@link decodeEntry}: the entry, or why it is not one. */
export type Decoded =
  | { readonly ok: true; readonly entry: RevocationEntry }
  | { readonly ok: false; readonly reason: InvalidEntryReason };

/** An id is a non-empty string of printable ASCII, at most {@link MAX_ID_LENGTH} long. */
export function isValidId(id: unknown): id is string {
  return (
    typeof id === 'string' &&
    id.length > 0 &&
    id.length <= MAX_ID_LENGTH &&
    /^[\x21-\x7e]+$/.test(id)
  );
}

/** Epoch ms between 2000 and 2200: anything else is garbage, not a time. */
function isTime(value: unknown): value is number {
  return (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= 946_684_800_000 &&
    value <= 7_258_118_400_000
  );
}

/**
 * Parses a stored entry, wire form or already-parsed object. Anything else (not JSON, wrong
 * shape, unknown kind, bad id, a time that is not one) is refused with a reason, never thrown.
 */
export function decodeEntry(raw: unknown): Decoded {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    if (raw.length > MAX_ID_LENGTH + 128) return { ok: false, reason: 'shape' };
    try {
      value = JSON.parse(raw);
    } catch {
      return { ok: false, reason: 'not-json' };
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'shape' };
  }
  const v = value as Record<string, unknown>;
  const kind = typeof v['k'] === 'string' ? CODE_KIND[v['k']] : undefined;
  if (kind === undefined || !Object.hasOwn(CODE_KIND, v['k'] as string)) {
    return { ok: false, reason: 'kind' };
  }
  if (!isValidId(v['id'])) return { ok: false, reason: 'id' };
  if (!isTime(v['at']) || !isTime(v['exp']) || (v['exp'] as number) < (v['at'] as number)) {
    return { ok: false, reason: 'time' };
  }
  return {
    ok: true,
    entry: { kind, id: v['id'], at: v['at'] as number, expiresAt: v['exp'] as number },
  };
}
