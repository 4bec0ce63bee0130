import { randomUUID } from 'node:crypto';
import type { JwksServer, Misbehaviour } from './jwks-server.js';
import { startJwksServer } from './jwks-server.js';
import type { CognitoJwks, SigningKey } from './keys.js';
import { generateSigningKey, signCompact } from './keys.js';
import type { MemberOverrides } from './members.js';
import { applyOverrides } from './members.js';
import { createTestCertificates } from './tls.js';
import type {
  AccessTokenOptions,
  ClaimContext,
  ClientCredentialsOptions,
  IdTokenOptions,
  IssuerFormOption,
} from './tokens.js';
import { accessTokenClaims, clientCredentialsClaims, idTokenClaims } from './tokens.js';

/**
 * Options of {@link createTestIssuer}.
 *
 * @example
 * const options: TestIssuerOptions = { userPoolId: 'eu-west-1_Abc123', https: true };
 */
export interface TestIssuerOptions {
  /** Default `'us-east-1_TestPool1'`; must look like a Cognito user pool id. */
  userPoolId?: string | undefined;
  /** Default `'testclient0000000000000001'` (26 characters, like Cognito's). */
  clientId?: string | undefined;
  /** Serve the JWKS over HTTPS with a throwaway CA (see `TestIssuer.ca`); default false. */
  https?: boolean | undefined;
  /** Epoch milliseconds for default `iat`, `auth_time` and `exp`; default `Date.now`. */
  clock?: (() => number) | undefined;
  /** RSA key size; default 2048. Smaller sizes build weak keys for negative tests. */
  modulusLength?: number | undefined;
  /**
   * The issuer form of `issuer` and of every token by default: `'original'` (default),
   * `'updated'` (`issuer-cognito-idp`), or `{ replicaRegion }`, as a pool on that issuer type
   * would sign them. Each token can still ask for another form with its `issuerForm` option.
   */
  issuerForm?: IssuerFormOption | undefined;
}

/**
 * The keys of {@link TestIssuerOptions}; anything else is refused. The compiler checks the list
 * against the type both ways. (The kit does not depend on `@cognito-guard/core` at run time, so
 * it can stand in for Cognito in front of any verifier; core's `checkOptionKeys` does the same
 * for the other packages.)
 */
const ISSUER_OPTION_KEYS: ReadonlySet<string> = new Set(
  Object.keys({
    userPoolId: true,
    clientId: true,
    https: true,
    clock: true,
    modulusLength: true,
    issuerForm: true,
  } satisfies { readonly [K in keyof TestIssuerOptions]-?: true }),
);

/**
 * Options of {@link TestIssuer.sign}.
 *
 * @example
 * await issuer.sign({ sub: 'x' }, { header: { alg: 'none' }, kid: oldKid });
 */
export interface SignOptions {
  /** Header members merged over `{ kid, alg: 'RS256' }`; `undefined` deletes one. */
  header?: MemberOverrides | undefined;
  /** Sign with this key instead of the current one. */
  kid?: string | undefined;
}

/**
 * A local stand-in for an Amazon Cognito user pool: RSA keys in memory, a JWKS endpoint on
 * 127.0.0.1, token minting with Cognito's claim shapes, key rotation and switches that make the
 * endpoint fail in the ways a verifier must survive.
 *
 * Tokens carry the real Cognito `iss`; only the JWKS is local, so a verifier under test keeps
 * its production issuer checks and is pointed at {@link TestIssuer.jwksUri} for keys.
 *
 * @example
 * const issuer = await createTestIssuer();
 * const token = await issuer.mintAccessToken({ groups: ['admin'] });
 * await issuer.close();
 */
export interface TestIssuer {
  readonly userPoolId: string;
  /** The region part of the user pool id, e.g. `us-east-1`. */
  readonly region: string;
  readonly clientId: string;
  /**
   * The `iss` of tokens by default: `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`,
   * or the form chosen with the `issuerForm` option.
   */
  readonly issuer: string;
  /** `http(s)://127.0.0.1:<port>/<userPoolId>/.well-known/jwks.json` */
  readonly jwksUri: string;
  /**
   * The `iss` of one issuer form of this pool.
   *
   * @example
   * issuer.issuerFor('updated'); // 'https://issuer-cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1'
   */
  issuerFor(form: IssuerFormOption): string;
  /**
   * The local JWKS URI standing in for one issuer of this pool: each issuer form gets a URI of
   * its own (`…/<issuer host>/<userPoolId>/.well-known/jwks.json`), all serving this issuer's
   * keys. Pass it as the verifier's `jwksUri` to trust several forms, as in production:
   * `createVerifier({ ..., issuer: 'either', replicaRegions: ['us-west-2'], jwksUri: issuer.jwksUriFor })`.
   * Throws a `TypeError` for an issuer that is not one of this pool's.
   */
  readonly jwksUriFor: (issuer: string) => string;
  /** PEM of the throwaway CA that signed the server's certificate; undefined over HTTP. */
  readonly ca: string | undefined;
  /** The kid that signs tokens by default. */
  readonly currentKid: string;
  /** Requests the server received, whatever their path or outcome (see `Misbehaviour`). */
  readonly requestCount: number;
  /** The generated key set, as served when no `setJwks` body replaces it; a fresh copy. */
  jwks(): CognitoJwks;
  /** A user's access token. */
  mintAccessToken(options?: AccessTokenOptions): Promise<string>;
  /** A user's ID token. */
  mintIdToken(options?: IdTokenOptions): Promise<string>;
  /** An access token from the client credentials grant. */
  mintClientCredentialsToken(options?: ClientCredentialsOptions): Promise<string>;
  /**
   * Signs any payload, RS256 with the current or named key, whatever the header says. An
   * object (or any JSON value) is serialised with `JSON.stringify`; a `Uint8Array` is used as
   * the payload bytes as is, to build payloads that are not JSON.
   */
  sign(payload: unknown, options?: SignOptions): Promise<string>;
  /** Makes a new key current; the previous one stays served unless `keepPrevious` is false. */
  rotateKeys(options?: { keepPrevious?: boolean | undefined }): Promise<string>;
  /** Stops serving a key; it can still sign (pass `kid`), to build "unknown kid" tokens. */
  removeKey(kid: string): void;
  /** Serves `JSON.stringify(body)` instead of the generated set; `undefined` restores it. */
  setJwks(body: unknown): void;
  /** Makes the server misbehave; `null` restores normal answers. */
  misbehave(mode: Misbehaviour | null): void;
  /** Stops the server and destroys open connections; idempotent. */
  close(): Promise<void>;
}

const DEFAULT_USER_POOL_ID = 'us-east-1_TestPool1';
const DEFAULT_CLIENT_ID = 'testclient0000000000000001';
const DEFAULT_MODULUS_LENGTH = 2048;

// `<region>_<id>`, e.g. us-east-1_AbC123 or us-gov-west-1_AbC123: the shape Cognito assigns.
const USER_POOL_ID = /^[a-z]{2}(-gov)?-[a-z]+-\d_[A-Za-z0-9]+$/;
// A Region: us-east-1, us-gov-west-1, eusc-de-east-1.
const REGION = /^(?:eusc-[a-z]{2}|[a-z]{2})-(?:gov-)?[a-z]+-\d$/;
// `/<issuer host>/<poolId>/.well-known/jwks.json`, the host in either Cognito issuer form.
const FORM_PATH =
  /^\/(?:issuer-)?cognito-idp\.([a-z0-9-]+)\.amazonaws\.com\/([^/]+)\/\.well-known\/jwks\.json$/;
// The ClientId constraint of the Cognito API reference: [\w+]+, 1 to 128 characters.
const CLIENT_ID = /^[\w+]{1,128}$/;
// OpenSSL will not generate RSA keys below 512 bits; above 8192 a test would wait seconds.
const MIN_MODULUS_LENGTH = 512;
const MAX_MODULUS_LENGTH = 8192;

/**
 * Starts a test issuer: generates a key (and, with `https`, a CA and server certificate) and
 * starts its JWKS server. Close it when done, e.g. in `afterAll`.
 *
 * For tests only: private keys live in memory, the CA is throwaway, nothing is protected.
 *
 * @throws {TypeError} when an option is invalid.
 *
 * @example
 * const issuer = await createTestIssuer({ https: true });
 * const verifier = createVerifier({ userPoolId: issuer.userPoolId, clientId: issuer.clientId,
 *   tokenUse: 'access', jwksUri: issuer.jwksUri, jwks: { ca: issuer.ca } });
 * await verifier.verify(await issuer.mintAccessToken());
 */
export async function createTestIssuer(options: TestIssuerOptions = {}): Promise<TestIssuer> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createTestIssuer takes an options object');
  }
  for (const key of Object.keys(options)) {
    // A misspelt option (`userPoolID`) would otherwise give a default pool, silently.
    if (!ISSUER_OPTION_KEYS.has(key)) {
      throw new TypeError(`unknown createTestIssuer option ${JSON.stringify(key)}`);
    }
  }
  const userPoolId = options.userPoolId ?? DEFAULT_USER_POOL_ID;
  const clientId = options.clientId ?? DEFAULT_CLIENT_ID;
  const clock = options.clock ?? Date.now;
  const modulusLength = options.modulusLength ?? DEFAULT_MODULUS_LENGTH;
  validateOptions(userPoolId, clientId, clock, modulusLength);

  const region = userPoolId.slice(0, userPoolId.indexOf('_'));
  const issuerFor = (form: IssuerFormOption): string => {
    if (form === 'original') return `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
    // The updated issuer always names the pool's primary Region, whichever Region issued the
    // token (IssuerConfigurationType, Amazon Cognito API reference).
    if (form === 'updated') {
      return `https://issuer-cognito-idp.${region}.amazonaws.com/${userPoolId}`;
    }
    if (typeof form === 'object' && form !== null && typeof form.replicaRegion === 'string') {
      if (!REGION.test(form.replicaRegion)) {
        throw new TypeError('replicaRegion must look like "us-west-2"');
      }
      return `https://cognito-idp.${form.replicaRegion}.amazonaws.com/${userPoolId}`;
    }
    throw new TypeError('issuerForm must be "original", "updated" or { replicaRegion }');
  };
  const issuer = issuerFor(options.issuerForm ?? 'original');

  // Every key ever generated, so removed and rotated-out keys can still sign.
  const keys = new Map<string, SigningKey>();
  // The kids served, in order.
  let served: string[] = [];
  const firstKey = await generateSigningKey(modulusLength);
  keys.set(firstKey.kid, firstKey);
  served.push(firstKey.kid);
  let current = firstKey;

  let override: string | undefined;
  let misbehaviour: Misbehaviour | null = null;

  const jwks = (): CognitoJwks => ({
    keys: served.flatMap((kid) => {
      const key = keys.get(kid);
      return key ? [{ ...key.jwk }] : [];
    }),
  });

  const certificates = options.https === true ? await createTestCertificates() : undefined;
  // `/<issuer host>/<userPoolId>/.well-known/jwks.json` for every AWS form of this pool.
  const formPath = (path: string): boolean => {
    const match = FORM_PATH.exec(path);
    return match !== null && match[2] === userPoolId && REGION.test(match[1]!);
  };
  const server: JwksServer = await startJwksServer({
    path: `/${userPoolId}/.well-known/jwks.json`,
    alsoServes: formPath,
    tls: certificates,
    body: () => override ?? JSON.stringify(jwks()),
    misbehaviour: () => misbehaviour,
  });
  const scheme = certificates ? 'https' : 'http';
  const base = `${scheme}://127.0.0.1:${server.port}`;
  const jwksUri = `${base}/${userPoolId}/.well-known/jwks.json`;
  const jwksUriFor = (iss: string): string => {
    const prefix = 'https://';
    const path =
      typeof iss === 'string' && iss.startsWith(prefix)
        ? `/${iss.slice(prefix.length)}/.well-known/jwks.json`
        : '';
    if (!formPath(path)) {
      throw new TypeError('jwksUriFor: not an issuer of this test pool');
    }
    return `${base}${path}`;
  };

  const subs = new Map<string, string>();
  const context: ClaimContext = {
    issuer,
    clientId,
    now: () => Math.floor(clock() / 1000),
    issuerFor,
    subFor: (username) => {
      let sub = subs.get(username);
      if (sub === undefined) {
        sub = randomUUID();
        subs.set(username, sub);
      }
      return sub;
    },
  };

  const keyFor = (kid: string | undefined): SigningKey => {
    if (kid === undefined) return current;
    const key = keys.get(kid);
    if (key === undefined) {
      // Only kids this issuer generated can sign; to put any kid in a header, use `header`.
      throw new Error('no key with this kid was generated by this test issuer');
    }
    return key;
  };

  const sign = async (payload: unknown, signOptions: SignOptions = {}): Promise<string> => {
    const key = keyFor(signOptions.kid);
    const header = applyOverrides({ kid: key.kid, alg: 'RS256' }, signOptions.header);
    return signCompact(key, header, payloadBytes(payload));
  };

  return {
    userPoolId,
    region,
    clientId,
    issuer,
    jwksUri,
    issuerFor,
    jwksUriFor,
    ca: certificates?.ca,
    get currentKid() {
      return current.kid;
    },
    get requestCount() {
      return server.requestCount;
    },
    jwks,
    mintAccessToken: (tokenOptions = {}) =>
      sign(accessTokenClaims(context, tokenOptions), tokenOptions),
    mintIdToken: (tokenOptions = {}) => sign(idTokenClaims(context, tokenOptions), tokenOptions),
    mintClientCredentialsToken: (tokenOptions = {}) =>
      sign(clientCredentialsClaims(context, tokenOptions), tokenOptions),
    sign,
    async rotateKeys(rotateOptions = {}) {
      const next = await generateSigningKey(modulusLength);
      keys.set(next.kid, next);
      if (rotateOptions.keepPrevious === false) {
        served = served.filter((kid) => kid !== current.kid);
      }
      served.push(next.kid);
      current = next;
      return next.kid;
    },
    removeKey(kid) {
      if (!keys.has(kid)) {
        throw new Error('no key with this kid was generated by this test issuer');
      }
      served = served.filter((servedKid) => servedKid !== kid);
    },
    setJwks(body) {
      // Serialised now, so a later change to `body` does not leak into the answers, and a value
      // JSON cannot represent fails here rather than inside the server.
      if (body === undefined) {
        override = undefined;
        return;
      }
      const json = JSON.stringify(body);
      if (json === undefined) throw new TypeError('setJwks needs a value JSON can represent');
      override = json;
    },
    misbehave(mode) {
      misbehaviour = mode;
    },
    close: () => server.close(),
  };
}

function validateOptions(
  userPoolId: string,
  clientId: string,
  clock: unknown,
  modulusLength: number,
): void {
  if (typeof userPoolId !== 'string' || !USER_POOL_ID.test(userPoolId)) {
    throw new TypeError('userPoolId must look like "<region>_<id>", e.g. "us-east-1_AbC123"');
  }
  if (typeof clientId !== 'string' || !CLIENT_ID.test(clientId)) {
    throw new TypeError('clientId must be 1 to 128 word characters or "+"');
  }
  if (typeof clock !== 'function') {
    throw new TypeError('clock must be a function returning epoch milliseconds');
  }
  if (
    !Number.isInteger(modulusLength) ||
    modulusLength < MIN_MODULUS_LENGTH ||
    modulusLength > MAX_MODULUS_LENGTH
  ) {
    throw new TypeError(
      `modulusLength must be an integer from ${MIN_MODULUS_LENGTH} to ${MAX_MODULUS_LENGTH}`,
    );
  }
}

function payloadBytes(payload: unknown): Uint8Array {
  if (payload instanceof Uint8Array) return payload;
  const json = JSON.stringify(payload);
  if (json === undefined) {
    throw new TypeError('payload must be a Uint8Array or a value JSON can represent');
  }
  return Buffer.from(json);
}
