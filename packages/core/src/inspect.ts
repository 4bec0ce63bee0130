import { checkClaimTypes, checkTimes, type TokenUse } from './claims.js';
import { splitCompactJws } from './compact-jws.js';
import { AuthError, type ErrorCode, isAuthError } from './errors.js';
import { checkHeader } from './header.js';
import { createJwksCache, isJwksCache, type JwksCache } from './jwks-cache.js';
import type { AdmittedKey } from './key-policy.js';
import { verifyRs256 } from './signature.js';
import { parseStrictJsonObject } from './strict-json.js';
import { type AuthResult, createVerifier, type SinglePoolVerifierOptions } from './verifier.js';

/**
 * Token inspection, for troubleshooting tools (the `cognito-guard inspect` CLI): the verifier's
 * checks run one by one on an untrusted token, each reported with its outcome, so that a
 * developer can see which one refuses it. The verdict is always the verifier's own: the same
 * token goes through `createVerifier(options).verify`, and that answer decides, so the report
 * can never accept what the verifier refuses.
 */

/** The checks, in the verifier's order. */
export type InspectionCheckName =
  | 'size'
  | 'format'
  | 'header'
  | 'payload'
  | 'issuer'
  | 'key'
  | 'signature'
  | 'claim-types'
  | 'token-use'
  | 'client-id'
  | 'time';

/** One check's outcome: `skipped` when an earlier failure leaves nothing to check. */
export interface InspectionCheck {
  readonly name: InspectionCheckName;
  readonly outcome: 'pass' | 'fail' | 'skipped';
  /** The AuthError code of a failed check. */
  readonly code?: ErrorCode | undefined;
  /** What failed, or what passed (never any part of the token's signature). */
  readonly detail?: string | undefined;
}

/** What {@link inspectToken} found. */
export interface Inspection {
  /** The decoded header, when the token has one. */
  readonly header: Readonly<Record<string, unknown>> | undefined;
  /** The decoded claims, when the payload is a JSON object (unverified unless `accepted`). */
  readonly claims: Readonly<Record<string, unknown>> | undefined;
  readonly checks: readonly InspectionCheck[];
  /** The verifier's verdict. */
  readonly accepted: boolean;
  /** The verifier's refusal, when not accepted. */
  readonly code: ErrorCode | undefined;
  /** The refusal's cause, as text. */
  readonly cause: string | undefined;
  readonly result: AuthResult | undefined;
}

/** The text of an error's cause: a message, never an object dump. */
function causeText(err: unknown): string | undefined {
  if (!isAuthError(err)) return err instanceof Error ? err.message : String(err);
  const cause = err.cause;
  if (cause === undefined) return undefined;
  if (typeof cause === 'string') return cause;
  if (cause instanceof Error) return cause.message;
  return String(cause);
}

/**
 * Runs the verifier's checks one by one on `token` and reports each, then verifies it with
 * `createVerifier(options)` for the verdict. For one user pool; revocation and the result
 * cache are not part of it. Fetches only the JWKS of the issuer the token names, when that
 * issuer is one the options trust; nothing else leaves the process.
 *
 * @example
 * ```ts
 * const report = await inspectToken(token, { userPoolId: 'us-east-1_Example', clientId: 'app-client-id', tokenUse: 'access' });
 * for (const check of report.checks) console.log(check.name, check.outcome, check.code ?? '');
 * ```
 */
export async function inspectToken(
  token: string,
  options: SinglePoolVerifierOptions<TokenUse | null>,
): Promise<Inspection> {
  const jwks: JwksCache = isJwksCache(options.jwks)
    ? options.jwks
    : createJwksCache({
        ...(options.clock === undefined ? {} : { clock: options.clock }),
        ...options.jwks,
      });
  // Configuration errors throw here, as createVerifier's do.
  const { isRevoked: _isRevoked, ...verifierOptions } = options;
  // The verifier keeps its own JWKS cache (unless one was given): sharing would change its
  // answer, since an unknown kid fetched by the checks is, for the verifier, a second fetch
  // within the cooldown (JWKS_UNAVAILABLE instead of KEY_NOT_FOUND).
  const verifier = createVerifier({ ...verifierOptions, cache: false });
  const clock = options.clock ?? Date.now;
  const maxTokenBytes = options.maxTokenBytes ?? 16_384;
  const checks: InspectionCheck[] = [];
  const pass = (name: InspectionCheckName, detail?: string) =>
    checks.push({ name, outcome: 'pass', detail });
  const fail = (name: InspectionCheckName, err: unknown) =>
    checks.push({
      name,
      outcome: 'fail',
      code: isAuthError(err) ? err.code : 'MALFORMED',
      detail: causeText(err),
    });
  const skip = (...names: InspectionCheckName[]) => {
    for (const name of names) checks.push({ name, outcome: 'skipped' });
  };
  let header: Record<string, unknown> | undefined;
  let claims: Record<string, unknown> | undefined;

  // Each step returns early when what follows cannot be checked.
  await (async () => {
    if (typeof token !== 'string' || token.length === 0 || token.length > maxTokenBytes) {
      fail('size', new AuthError(token?.length > 0 ? 'TOO_LARGE' : 'MALFORMED'));
      skip('format', 'header', 'payload', 'issuer', 'key', 'signature', 'claim-types');
      skip('token-use', 'client-id', 'time');
      return;
    }
    pass('size', `${token.length} bytes, limit ${maxTokenBytes}`);
    let jws: ReturnType<typeof splitCompactJws>;
    let kid: string | undefined;
    let headerError: unknown;
    const judgeHeader = () => {
      if (header === undefined) skip('header');
      else if (headerError === undefined) pass('header', 'alg RS256; only alg, kid and typ; a kid');
      else fail('header', headerError);
    };
    try {
      // The header is judged as the verifier judges it, before the rest is decoded; its
      // failure is recorded, not thrown, so that the format of the rest is reported too.
      jws = splitCompactJws(token, { maxTokenBytes, maxHeaderBytes: 1024 }, (h) => {
        header = h;
        try {
          kid = checkHeader(h);
        } catch (err) {
          headerError = err;
        }
      });
      pass('format', 'three base64url segments, a JSON header');
      judgeHeader();
    } catch (err) {
      fail('format', err);
      judgeHeader();
      skip('payload', 'issuer', 'key', 'signature', 'claim-types');
      skip('token-use', 'client-id', 'time');
      return;
    }
    try {
      claims = parseStrictJsonObject(jws.payloadText);
      pass('payload', 'a strict JSON object');
    } catch (err) {
      fail('payload', new AuthError('MALFORMED', { cause: err }));
      skip('issuer', 'key', 'signature', 'claim-types', 'token-use', 'client-id', 'time');
      return;
    }
    const pool = verifier.userPools[0]!;
    const trusted = pool.issuers.find((i) => i.issuer === claims!.iss);
    if (trusted === undefined) {
      fail('issuer', new AuthError('ISSUER', { cause: `iss is not ${pool.issuer}` }));
      skip('key', 'signature');
    } else {
      pass('issuer', trusted.issuer);
      let key: AdmittedKey | undefined;
      if (kid === undefined) skip('key');
      else {
        try {
          key = await jwks.getKey(trusted.jwksUri, kid);
          pass('key', `kid ${kid} from ${trusted.jwksUri}`);
        } catch (err) {
          fail('key', err);
        }
      }
      if (key === undefined) skip('signature');
      else if (verifyRs256(jws.signingInput, jws.signature, key)) pass('signature', 'RS256');
      else fail('signature', new AuthError('SIGNATURE_INVALID'));
    }
    try {
      checkClaimTypes(claims);
      pass('claim-types');
    } catch (err) {
      fail('claim-types', err);
      skip('token-use', 'client-id', 'time');
      return;
    }
    const tokenUse = options.tokenUse;
    if (claims.token_use !== 'access' && claims.token_use !== 'id') {
      fail(
        'token-use',
        new AuthError('TOKEN_USE', { cause: 'token_use is neither access nor id' }),
      );
    } else if (tokenUse !== null && claims.token_use !== tokenUse) {
      fail('token-use', new AuthError('TOKEN_USE', { cause: `expected ${tokenUse}` }));
    } else pass('token-use', String(claims.token_use));
    const allowed = options.clientId;
    const audienceClaim = claims.token_use === 'id' ? 'aud' : 'client_id';
    const audience = claims[audienceClaim];
    if (allowed === null) pass('client-id', 'not checked (clientId: null)');
    else if (
      typeof audience === 'string' &&
      (typeof allowed === 'string' ? [allowed] : allowed).includes(audience)
    ) {
      pass('client-id', `${audienceClaim} is allowed`);
    } else {
      fail('client-id', new AuthError('CLIENT_ID', { cause: `${audienceClaim} is not allowed` }));
    }
    try {
      checkTimes(claims, clock() / 1000, {
        toleranceSeconds: options.clockToleranceSeconds ?? 5,
        maxLifetimeSeconds: options.maxTokenLifetimeSeconds ?? 86_400,
      });
      pass('time', 'exp, nbf, iat and lifetime');
    } catch (err) {
      fail('time', err);
    }
  })();

  let result: AuthResult | undefined;
  let refusal: unknown;
  try {
    result = await verifier.verify(token);
  } catch (err) {
    refusal = err;
  }
  return {
    header,
    claims,
    checks,
    accepted: result !== undefined,
    code: result !== undefined ? undefined : isAuthError(refusal) ? refusal.code : 'MALFORMED',
    cause: result !== undefined ? undefined : causeText(refusal),
    result,
  };
}
