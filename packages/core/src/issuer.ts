import { assertJwksUri } from './jwks-cache.js';
import { checkOptionKeys, optionKeys } from './option-keys.js';

/**
 * Which `iss` values a user pool's tokens may carry, and where each one's keys live.
 *
 * Amazon Cognito signs a pool's tokens under one of two issuer forms, chosen per pool by its
 * issuer type (`IssuerConfigurationType`, Amazon Cognito API reference):
 * - ORIGINAL: `https://cognito-idp.<region>.amazonaws.com/<poolId>`. A pool replicated to
 *   other Regions (multi-Region replication) with this type issues tokens whose `iss` names
 *   the Region of the endpoint that issued them, e.g.
 *   `https://cognito-idp.us-west-2.amazonaws.com/us-east-1_X` from the us-west-2 replica
 *   (observed in awslabs/aws-jwt-verify issue #282, supported there by PR #285);
 * - UPDATED: `https://issuer-cognito-idp.<region>.amazonaws.com/<poolId>`, where the Region is
 *   always the pool's primary Region, whichever replica issued the token, and the same JWKS is
 *   served in every Region (API reference, and the "user pool OIDC issuer" section of
 *   https://docs.aws.amazon.com/cognito/latest/developerguide/federation-endpoints.html).
 *
 * Each issuer has its own JWKS URI, `<issuer>/.well-known/jwks.json`, on its own host, and a
 * key is only ever looked up under the JWKS of the issuer the token names (RFC 8725 §3.8: keys
 * are bound to their issuer).
 */

/**
 * The issuer forms a pool's configuration trusts: `'original'` (`cognito-idp.…`), `'updated'`
 * (`issuer-cognito-idp.…`), or `'either'` (both, so that switching the pool's issuer type in
 * Cognito keeps working without a deployment).
 *
 * @example
 * ```ts
 * const form: IssuerForm = 'updated';
 * ```
 */
export type IssuerForm = 'original' | 'updated' | 'either';

/**
 * A local Cognito emulator (cognito-local, LocalStack, ...) standing in for a pool: its tokens
 * name `issuer`, a URL that is not Amazon Cognito's. Accepted only on a loopback host
 * (`localhost`, `127.0.0.0/8`, `[::1]`) or a host listed in `allowedHosts`.
 *
 * @example
 * ```ts
 * const emulator: EmulatorOptions = { issuer: 'http://localhost:9229/local_abc' };
 * ```
 */
export interface EmulatorOptions {
  /** The exact `iss` of the emulator's tokens, e.g. `http://localhost:9229/local_abc`. */
  readonly issuer: string;
  /** Where its keys are. Default `<issuer>/.well-known/jwks.json`. */
  readonly jwksUri?: string | undefined;
  /** Host names, besides loopback, the emulator may live on (e.g. a Docker Compose service). */
  readonly allowedHosts?: readonly string[] | undefined;
}

/**
 * Where a trusted issuer came from: a Cognito issuer form, a replica Region, or an emulator.
 *
 * @example
 * ```ts
 * const replicas = pool.issuers.filter((i) => i.kind === 'replica');
 * ```
 */
export type IssuerKind = 'original' | 'updated' | 'replica' | 'emulator';

/**
 * One issuer a pool trusts, with the one JWKS URI whose keys may verify its tokens.
 *
 * @example
 * ```ts
 * const trusted: TrustedIssuer = verifier.userPools[0].issuers[0];
 * ```
 */
export interface TrustedIssuer {
  readonly issuer: string;
  readonly jwksUri: string;
  readonly kind: IssuerKind;
  /** True when `hydrate()` fetches its JWKS: the configuration says this form is in use. */
  readonly warm: boolean;
}

/** The issuer-related part of a pool's configuration, as `createVerifier` takes it. */
export interface IssuerConfig {
  readonly userPoolId: string;
  readonly issuer?: IssuerForm | undefined;
  readonly replicaRegions?: readonly string[] | undefined;
  readonly jwksUri?: string | ((issuer: string) => string) | undefined;
  readonly emulator?: EmulatorOptions | undefined;
}

// A Region as AWS names them: us-east-1, us-gov-west-1, eusc-de-east-1 (the same grammar as
// aws-jwt-verify's user pool id check, which accepts the EU Sovereign Cloud Regions).
const REGION = /^(?:eusc-[a-z]{2}|[a-z]{2})-(?:gov-)?[a-z]+-\d$/;
// `<region>_<id>`: the pool ids Cognito assigns.
const POOL_ID = /^((?:eusc-[a-z]{2}|[a-z]{2})-(?:gov-)?[a-z]+-\d)_[A-Za-z0-9]+$/;
// The user pool id pattern of the Cognito API reference (`[\w-]+_[0-9a-zA-Z]+`, at most 55
// characters): what an emulator may use, e.g. cognito-local's `local_abc`.
const EMULATOR_POOL_ID = /^[\w-]{1,45}_[0-9A-Za-z]{1,45}$/;
const HOST_NAME =
  /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

function configError(message: string): TypeError {
  return new TypeError(`cognito-guard: ${message}`);
}

/**
 * The issuer URL of a pool in one form and Region.
 *
 * @example
 * ```ts
 * cognitoIssuer('updated', 'us-east-1', 'us-east-1_Example');
 * // 'https://issuer-cognito-idp.us-east-1.amazonaws.com/us-east-1_Example'
 * ```
 */
export function cognitoIssuer(
  form: 'original' | 'updated',
  region: string,
  userPoolId: string,
): string {
  const host = form === 'updated' ? 'issuer-cognito-idp' : 'cognito-idp';
  return `https://${host}.${region}.amazonaws.com/${userPoolId}`;
}

/**
 * The primary Region of a Cognito pool id, or `undefined` when it is not one.
 *
 * @example
 * ```ts
 * regionOfPoolId('us-east-1_Example'); // 'us-east-1'
 * ```
 */
export function regionOfPoolId(userPoolId: unknown): string | undefined {
  if (typeof userPoolId !== 'string') return undefined;
  return POOL_ID.exec(userPoolId)?.[1];
}

const ISSUER_PREFIX = /^https:\/\/(issuer-)?cognito-idp\.([a-z0-9-]+)\.amazonaws\.com\/([^/]+)$/;

/**
 * The user pool an Amazon Cognito issuer names, or `undefined` when `issuer` is not one: the
 * original form `https://cognito-idp.<region>.amazonaws.com/<poolId>`, where `<region>` is the
 * pool's own Region or, for a pool replicated on the original issuer type, a replica's
 * (awslabs/aws-jwt-verify issue #282); or the updated form
 * `https://issuer-cognito-idp.<region>.amazonaws.com/<poolId>`, whose `<region>` is always the
 * pool's primary Region (Amazon Cognito API reference, `IssuerConfigurationType`). Parsing, not
 * trust: what a verifier accepts is its configured issuers.
 *
 * @example
 * ```ts
 * userPoolOfIssuer('https://cognito-idp.us-west-2.amazonaws.com/us-east-1_Example'); // 'us-east-1_Example'
 * ```
 */
export function userPoolOfIssuer(issuer: unknown): string | undefined {
  if (typeof issuer !== 'string') return undefined;
  const match = ISSUER_PREFIX.exec(issuer);
  if (match === null) return undefined;
  const [, updated, region, userPoolId] = match;
  const primary = regionOfPoolId(userPoolId);
  if (primary === undefined || !REGION.test(region!)) return undefined;
  // The updated form never names a replica's Region.
  if (updated !== undefined && region !== primary) return undefined;
  return userPoolId;
}

/**
 * True for host names that never leave the machine: `localhost`, `127.0.0.0/8` and `[::1]`,
 * as the WHATWG URL parser writes them (it already turns `127.1` into `127.0.0.1`).
 *
 * @example
 * ```ts
 * isLoopbackHost(new URL('http://127.1:9229').hostname); // true
 * ```
 */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** Amazon's own hosts: an emulator never stands in for them (use `jwksUri` for a mirror). */
function isAmazonHost(hostname: string): boolean {
  return (
    /(^|\.)amazonaws\.com(\.cn)?$/.test(hostname) || /(^|\.)amazoncognito\.com$/.test(hostname)
  );
}

function checkAllowedHosts(value: unknown, where: string): ReadonlySet<string> {
  if (value === undefined) return new Set();
  if (!Array.isArray(value)) {
    throw configError(`emulator.allowedHosts must be an array of host names${where}`);
  }
  const hosts = new Set<string>();
  for (const host of value) {
    if (typeof host !== 'string') {
      throw configError(`emulator.allowedHosts must be an array of host names${where}`);
    }
    const lower = host.toLowerCase();
    if (!HOST_NAME.test(lower) || isAmazonHost(lower)) {
      // Host names only: no scheme, port, wildcard or path; never an Amazon host.
      throw configError(
        `emulator.allowedHosts entries must be plain host names outside amazonaws.com${where}`,
      );
    }
    hosts.add(lower);
  }
  return hosts;
}

/** An emulator URL: http(s), no credentials, on loopback or a listed host. */
function checkEmulatorUrl(
  name: string,
  value: unknown,
  hosts: ReadonlySet<string>,
  where: string,
): URL {
  let url: URL;
  try {
    if (typeof value !== 'string') throw new TypeError('not a string');
    url = new URL(value);
  } catch {
    throw configError(`emulator.${name} must be an absolute URL${where}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw configError(`emulator.${name} must be an http or https URL${where}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw configError(`emulator.${name} must not carry credentials${where}`);
  }
  if (!isLoopbackHost(url.hostname) && !hosts.has(url.hostname)) {
    // Attack class: a configuration that quietly trusts a remote "emulator" would let whoever
    // runs that host mint tokens for this service. Only the machine itself, or a host the
    // user names in the same option, qualifies.
    throw configError(
      `emulator.${name} must be on a loopback host (localhost, 127.0.0.0/8, [::1]) or a host listed in emulator.allowedHosts${where}`,
    );
  }
  return url;
}

/** The keys of {@link EmulatorOptions}: anything else is refused. */
const EMULATOR_KEYS = optionKeys<EmulatorOptions>({
  issuer: true,
  jwksUri: true,
  allowedHosts: true,
});

function resolveEmulator(config: IssuerConfig, where: string): TrustedIssuer[] {
  const emulator = config.emulator;
  if (typeof emulator !== 'object' || emulator === null || Array.isArray(emulator)) {
    throw configError(`emulator must be an object { issuer, jwksUri?, allowedHosts? }${where}`);
  }
  checkOptionKeys(emulator, EMULATOR_KEYS, 'emulator');
  for (const key of ['issuer', 'replicaRegions', 'jwksUri'] as const) {
    if (config[key] !== undefined) {
      // One place says where an emulator pool's tokens come from; an AWS form next to it
      // would be a second, silent trust path.
      throw configError(
        `${key} cannot be combined with emulator; give emulator.issuer and emulator.jwksUri${where}`,
      );
    }
  }
  if (typeof config.userPoolId !== 'string' || !EMULATOR_POOL_ID.test(config.userPoolId)) {
    throw configError(`userPoolId must look like "local_abc" or "us-east-1_Example"${where}`);
  }
  const hosts = checkAllowedHosts(emulator.allowedHosts, where);
  const issuerUrl = checkEmulatorUrl('issuer', emulator.issuer, hosts, where);
  // Compared exactly with `iss`, so it must be written as the URL parser writes it: lower-case
  // host, no default port, no trailing slash, no query or fragment (RFC 7519 §4.1.1: StringOrURI
  // values are compared as strings).
  const canonical = `${issuerUrl.origin}${issuerUrl.pathname === '/' ? '' : issuerUrl.pathname}`;
  if (
    canonical !== emulator.issuer ||
    canonical.endsWith('/') ||
    issuerUrl.search !== '' ||
    issuerUrl.hash !== ''
  ) {
    throw configError(
      `emulator.issuer must be written exactly as the emulator's tokens carry it, e.g. "http://localhost:9229/local_abc"${where}`,
    );
  }
  const jwksUri = emulator.jwksUri ?? `${emulator.issuer}/.well-known/jwks.json`;
  const jwksUrl = checkEmulatorUrl('jwksUri', jwksUri, hosts, where);
  if (jwksUrl.protocol === 'https:' || isLoopbackHost(jwksUrl.hostname)) assertJwksUri(jwksUri);
  return [{ issuer: emulator.issuer, jwksUri, kind: 'emulator', warm: true }];
}

function checkReplicaRegions(value: unknown, primary: string, where: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw configError(`replicaRegions must be an array of Regions such as "us-west-2"${where}`);
  }
  const regions: string[] = [];
  for (const region of value) {
    if (typeof region !== 'string' || !REGION.test(region)) {
      throw configError(`replicaRegions must be an array of Regions such as "us-west-2"${where}`);
    }
    if (region === primary) {
      throw configError(`replicaRegions lists ${region}, the pool's own Region${where}`);
    }
    if (regions.includes(region)) {
      throw configError(`replicaRegions lists ${region} twice${where}`);
    }
    regions.push(region);
  }
  return regions;
}

/**
 * Every issuer one pool's configuration trusts, each with its own JWKS URI. Throws a
 * `TypeError` for a configuration mistake; never trusts more than the configuration says.
 *
 * - `issuer` (default `'either'`; `'original'` when `jwksUri` is a string, which names one
 *   issuer's keys): the forms of the primary Region;
 * - `replicaRegions`: the original form from each of these Regions (replicas of a pool on the
 *   original issuer type); not with `'updated'`, whose `iss` never names a replica's Region;
 * - `jwksUri`: a string replaces the JWKS of the one form trusted; a function maps each trusted
 *   issuer to its JWKS URI (tests, mirrors), and must give each issuer a URI of its own;
 * - `emulator`: a local emulator instead of Amazon Cognito (see {@link EmulatorOptions}).
 *
 * @example
 * ```ts
 * resolveIssuers({ userPoolId: 'us-east-1_Example', replicaRegions: ['us-west-2'] }, '');
 * ```
 */
export function resolveIssuers(config: IssuerConfig, where: string): TrustedIssuer[] {
  if (config.emulator !== undefined) return resolveEmulator(config, where);
  const region = regionOfPoolId(config.userPoolId);
  if (region === undefined) {
    throw configError(
      `userPoolId must look like "us-east-1_Example" (for a local emulator's ids such as "local_abc", use the emulator option)${where}`,
    );
  }
  const jwks = config.jwksUri;
  if (jwks !== undefined && typeof jwks !== 'string' && typeof jwks !== 'function') {
    throw configError(`jwksUri must be a URL, or a function from issuer to URL${where}`);
  }
  const form = config.issuer ?? (typeof jwks === 'string' ? 'original' : 'either');
  if (form !== 'original' && form !== 'updated' && form !== 'either') {
    throw configError(
      `issuer must be "original", "updated" or "either" (for a local emulator's issuer URL, use the emulator option)${where}`,
    );
  }
  const replicas = checkReplicaRegions(config.replicaRegions, region, where);
  if (form === 'updated' && replicas.length > 0) {
    throw configError(
      `replicaRegions applies to the original issuer: with issuer "updated" every Region issues the primary Region's issuer, so remove replicaRegions${where}`,
    );
  }

  const trusted: Omit<TrustedIssuer, 'jwksUri'>[] = [];
  if (form !== 'updated') {
    trusted.push({
      issuer: cognitoIssuer('original', region, config.userPoolId),
      kind: 'original',
      warm: true,
    });
  }
  if (form !== 'original') {
    trusted.push({
      issuer: cognitoIssuer('updated', region, config.userPoolId),
      kind: 'updated',
      // With 'either' the updated form is fetched only once a token names it: a pool that never
      // switched answers 403 there (awslabs/aws-jwt-verify issue #279).
      warm: form === 'updated',
    });
  }
  for (const replica of replicas) {
    trusted.push({
      issuer: cognitoIssuer('original', replica, config.userPoolId),
      kind: 'replica',
      warm: true,
    });
  }

  if (typeof jwks === 'string' && trusted.length > 1) {
    throw configError(
      `jwksUri as a string names one issuer's keys; to trust several issuer forms from elsewhere, give a function (issuer) => jwksUri${where}`,
    );
  }
  const seen = new Set<string>();
  return trusted.map((t) => {
    let jwksUri: unknown;
    if (jwks === undefined) jwksUri = `${t.issuer}/.well-known/jwks.json`;
    else if (typeof jwks === 'string') jwksUri = jwks;
    else jwksUri = jwks(t.issuer);
    if (typeof jwksUri !== 'string') {
      throw configError(`jwksUri must give a URL for ${t.issuer}${where}`);
    }
    assertJwksUri(jwksUri);
    if (seen.has(jwksUri)) {
      // One URI for two issuers would let a key published for one verify tokens of the other.
      throw configError(
        `jwksUri gives the same URL for two issuers; keys are bound to one issuer${where}`,
      );
    }
    seen.add(jwksUri);
    return { ...t, jwksUri };
  });
}
