import { AuthError } from './errors.js';
import {
  type CognitoIdentity,
  checkIdentityPoolIds,
  checkUserPoolIds,
  parseAmr,
  parseLogins,
} from './identity-pool.js';
import { checkOptionKeys, optionKeys } from './option-keys.js';

/**
 * Who called, for a request that API Gateway or AppSync authorized with IAM (SigV4). The
 * platform verified the signature; this reads what it wrote in the event:
 *
 * - REST API (payload 1.0): `requestContext.identity` with `cognitoIdentityPoolId`,
 *   `cognitoIdentityId`, `cognitoAuthenticationType` and `cognitoAuthenticationProvider`
 *   (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html#context-variable-reference);
 * - HTTP API (payload 2.0): `requestContext.authorizer.iam` with `cognitoIdentity: { amr,
 *   identityId, identityPoolId }`
 *   (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html);
 * - AppSync `AWS_IAM`: `identity` with `cognitoIdentityPoolId`, `cognitoIdentityId`,
 *   `cognitoIdentityAuthType` and `cognitoIdentityAuthProvider`
 *   (https://docs.aws.amazon.com/appsync/latest/devguide/resolver-context-reference-js.html#aws-appsync-resolver-context-reference-identity-js).
 */

/** A caller signed with plain IAM credentials (a user or a role), not through an identity pool. */
export interface IamPrincipal {
  readonly kind: 'iam';
  /** The caller's ARN, when the event gives it. */
  readonly userArn: string | undefined;
  readonly accountId: string | undefined;
  /** `caller` (REST), `userId` (HTTP API) or `username` / `user` (AppSync): the principal id. */
  readonly principalId: string | undefined;
}

/** An IAM-authorized caller: an identity-pool identity (user or guest), or a plain IAM principal. */
export type IamCaller = CognitoIdentity | IamPrincipal;

/** Options of {@link iamCallerFromEvent}. */
export interface IamIdentityOptions {
  /**
   * The identity pools whose identities are accepted; an identity from another pool is
   * refused with `CLIENT_ID`. Plain IAM principals are not affected (refuse them with
   * `requireIdentityPool()` or check `kind`).
   */
  readonly identityPoolId: string | readonly string[];
  /** When given, a login through a user pool must name one of these pools (else `ISSUER`). */
  readonly userPoolIds?: readonly string[] | undefined;
}

const IAM_OPTION_KEYS = optionKeys<IamIdentityOptions>({
  identityPoolId: true,
  userPoolIds: true,
});

function claimType(detail: string): AuthError {
  return new AuthError('CLAIM_TYPE', { cause: detail });
}

function record(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** An own string field, `undefined` when absent, null or empty; anything else is CLAIM_TYPE. */
function optionalString(from: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = Object.hasOwn(from, name) ? from[name] : undefined;
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw claimType(name);
  return value;
}

interface RawIdentity {
  readonly identityPoolId: string | undefined;
  readonly identityId: string | undefined;
  /** REST and AppSync: the authentication type and the comma-separated provider string. */
  readonly authType?: string | undefined;
  readonly provider?: string | undefined;
  /** HTTP API: the `amr` list. */
  readonly amr?: unknown;
  readonly userArn: string | undefined;
  readonly accountId: string | undefined;
  readonly principalId: string | undefined;
}

/** Which event shape `event` is, and its identity fields. */
function readEvent(event: unknown): RawIdentity {
  const root = record(event);
  if (root === undefined) throw new AuthError('NO_CREDENTIALS');
  const context = record(root.requestContext);
  const iam = record(record(context?.authorizer)?.iam);
  if (iam !== undefined) {
    // HTTP API, payload 2.0.
    const cognito = iam.cognitoIdentity;
    const fields = record(cognito);
    if (cognito !== undefined && cognito !== null && fields === undefined) {
      throw claimType('cognitoIdentity');
    }
    return {
      identityPoolId: fields && optionalString(fields, 'identityPoolId'),
      identityId: fields && optionalString(fields, 'identityId'),
      amr: fields?.amr,
      userArn: optionalString(iam, 'userArn'),
      accountId: optionalString(iam, 'accountId'),
      principalId: optionalString(iam, 'userId'),
    };
  }
  const rest = record(context?.identity);
  if (rest !== undefined) {
    // REST API, payload 1.0 (also HTTP API payload 1.0).
    return {
      identityPoolId: optionalString(rest, 'cognitoIdentityPoolId'),
      identityId: optionalString(rest, 'cognitoIdentityId'),
      authType: optionalString(rest, 'cognitoAuthenticationType'),
      provider: optionalString(rest, 'cognitoAuthenticationProvider'),
      userArn: optionalString(rest, 'userArn'),
      accountId: optionalString(rest, 'accountId'),
      principalId: optionalString(rest, 'caller'),
    };
  }
  // AppSync: a resolver event (`identity`), or the identity object itself (`ctx.identity`).
  const appsync = record(root.identity) ?? (Object.hasOwn(root, 'userArn') ? root : undefined);
  if (appsync !== undefined) {
    return {
      identityPoolId: optionalString(appsync, 'cognitoIdentityPoolId'),
      identityId: optionalString(appsync, 'cognitoIdentityId'),
      authType: optionalString(appsync, 'cognitoIdentityAuthType'),
      provider: optionalString(appsync, 'cognitoIdentityAuthProvider'),
      userArn: optionalString(appsync, 'userArn'),
      accountId: optionalString(appsync, 'accountId'),
      principalId: optionalString(appsync, 'username') ?? optionalString(appsync, 'user'),
    };
  }
  throw new AuthError('NO_CREDENTIALS');
}

/**
 * The provider string of REST and AppSync events: the `amr` entries after the authentication
 * type, joined with commas, e.g. for a user-pool login
 * `cognito-idp.us-east-1.amazonaws.com/us-east-1_Example,cognito-idp.us-east-1.amazonaws.com/us-east-1_Example:CognitoSignIn:<sub>`
 * (API Gateway, `$context.identity.cognitoAuthenticationProvider`: "A comma-separated list of
 * all the Amazon Cognito authentication providers used by the caller", with this user-pool
 * example, the last part the token's subject claim;
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html#context-variable-reference).
 * Some AppSync samples show the string, or each entry, in double quotes; the quotes are not part
 * of an entry.
 */
function providerEntries(provider: string): string[] {
  // Either the whole string or each entry may be quoted: `"a,b"` or `"a","b"`.
  const whole =
    provider.length >= 2 &&
    provider.startsWith('"') &&
    provider.endsWith('"') &&
    !provider.slice(1, -1).includes('"')
      ? provider.slice(1, -1)
      : provider;
  return whole
    .split(',')
    .map((entry) =>
      entry.length >= 2 && entry.startsWith('"') && entry.endsWith('"')
        ? entry.slice(1, -1)
        : entry,
    );
}

/**
 * Reads who called from an IAM-authorized event: an API Gateway REST (1.0) or HTTP API (2.0)
 * proxy event, an AppSync resolver event, or AppSync's `ctx.identity`. Returns a frozen
 * {@link CognitoIdentity} (`source: 'iam'`) for a caller with identity-pool credentials,
 * guests marked `guest: true` and a user-pool login's pool and `sub` parsed from the provider
 * string; or an {@link IamPrincipal} for a plain IAM user or role, never mistaken for a
 * Cognito user. Refuses with an `AuthError`: `NO_CREDENTIALS` (no IAM identity in the event),
 * `CLAIM_TYPE` (fields of the wrong type, an unknown authentication type, a provider string
 * naming two pools or a pool outside its Region), `CLIENT_ID` (an identity pool not
 * configured), `ISSUER` (a user pool outside `userPoolIds`).
 *
 * @example
 * ```ts
 * const caller = iamCallerFromEvent(event, { identityPoolId: 'us-east-1:0000abcd-12ab-34cd-56ef-1234567890ab' });
 * if (caller.kind === 'cognito-identity' && caller.guest) console.log('guest');
 * ```
 */
export function iamCallerFromEvent(event: unknown, options: IamIdentityOptions): IamCaller {
  return iamCallerReader(options)(event);
}

/**
 * {@link iamCallerFromEvent} with the options checked once: create it at module scope.
 *
 * @example
 * ```ts
 * const readCaller = iamCallerReader({ identityPoolId: 'us-east-1:0000abcd-12ab-34cd-56ef-1234567890ab' });
 * const caller = readCaller(event);
 * ```
 */
export function iamCallerReader(options: IamIdentityOptions): (event: unknown) => IamCaller {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('cognito-guard: options must be an object');
  }
  checkOptionKeys(options, IAM_OPTION_KEYS, 'IAM identity');
  const pools = new Set(checkIdentityPoolIds(options.identityPoolId, 'identityPoolId'));
  const userPoolIds = checkUserPoolIds(options.userPoolIds, 'userPoolIds');
  return (event) => {
    const raw = readEvent(event);
    const cognito =
      raw.identityPoolId !== undefined ||
      raw.identityId !== undefined ||
      raw.authType !== undefined ||
      raw.amr !== undefined;
    if (!cognito) {
      if (raw.userArn === undefined && raw.principalId === undefined) {
        throw new AuthError('NO_CREDENTIALS');
      }
      return Object.freeze({
        kind: 'iam',
        userArn: raw.userArn,
        accountId: raw.accountId,
        principalId: raw.principalId,
      });
    }
    if (raw.identityPoolId === undefined) throw claimType('identity pool id');
    if (raw.identityId === undefined) throw claimType('identity id');
    let parsed: ReturnType<typeof parseAmr>;
    if (raw.amr !== undefined && raw.amr !== null) {
      parsed = parseAmr(raw.amr);
    } else if (raw.authType === 'unauthenticated') {
      if (raw.provider !== undefined) throw claimType('guest with a provider');
      parsed = { guest: true, providers: Object.freeze([]), userPool: undefined };
    } else if (raw.authType === 'authenticated') {
      parsed = {
        guest: false,
        ...parseLogins(raw.provider === undefined ? [] : providerEntries(raw.provider)),
      };
    } else {
      throw claimType('authentication type');
    }
    if (!pools.has(raw.identityPoolId)) throw new AuthError('CLIENT_ID');
    if (
      userPoolIds !== undefined &&
      parsed.userPool !== undefined &&
      !userPoolIds.includes(parsed.userPool.userPoolId)
    ) {
      throw new AuthError('ISSUER', { cause: 'user pool login from another pool' });
    }
    return Object.freeze({
      kind: 'cognito-identity',
      source: 'iam',
      identityId: raw.identityId,
      identityPoolId: raw.identityPoolId,
      guest: parsed.guest,
      providers: parsed.providers,
      userPool: parsed.userPool,
      claims: undefined,
      expiresAt: undefined,
      userArn: raw.userArn,
    });
  };
}
