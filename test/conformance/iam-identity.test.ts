/**
 * The conformance table of IAM-authorized callers: one list of callers and identity policies,
 * run through every surface that reads an IAM caller (core's `iamCallerFromEvent` with
 * `checkIdentityPolicy`, the Lambda `withIamAuth` behind REST and HTTP API, the AppSync
 * `withIamAuth` for `AWS_IAM`). Each row states the exact AuthError code (`null`: allowed);
 * every surface must produce it, and its own answer for it.
 */

import { withIamAuth as appSyncIamAuth } from '@cognito-guard/appsync';
import {
  AuthError,
  allOfIdentity,
  allowGuests,
  checkIdentityPolicy,
  type ErrorCode,
  type IdentityPolicy,
  iamCallerFromEvent,
  requireAuthenticated,
  requireIdentityPool,
  requireLoginProvider,
} from '@cognito-guard/core';
import { withIamAuth as lambdaIamAuth } from '@cognito-guard/lambda';
import {
  appSyncIamResolverEvent,
  httpApiIamEvent,
  restIamEvent,
  type TestIamCaller,
} from '@cognito-guard/testing';
import { describe, expect, it } from 'vitest';

const POOL = 'us-east-1:0f291106-8703-466b-8f2b-3ecee1ca56ce';
const OTHER_POOL = 'us-east-1:1f291106-8703-466b-8f2b-3ecee1ca56ce';
const USER_POOL = 'us-east-1_Conformance';
const identity = (login: Extract<TestIamCaller, { kind: 'identity' }>['login'], pool = POOL) =>
  ({
    kind: 'identity',
    identityPoolId: pool,
    identityId: `us-east-1:${login.kind}`,
    login,
  }) as const;

const member = identity({ kind: 'user-pool', userPoolId: USER_POOL, sub: 'member-sub' });
const google = identity({ kind: 'social', provider: 'accounts.google.com', userId: '42' });
const guest = identity({ kind: 'guest' });
const stranger = identity({ kind: 'guest' }, OTHER_POOL);
const foreignUser = identity({ kind: 'user-pool', userPoolId: 'us-east-1_Other', sub: 'x' });
const ops: TestIamCaller = { kind: 'iam-user', userArn: 'arn:aws:iam::123456789012:user/ops' };

interface Row {
  readonly name: string;
  readonly caller: TestIamCaller;
  readonly policy: IdentityPolicy;
  readonly code: ErrorCode | null;
}

const ROWS: readonly Row[] = [
  {
    name: 'allows a user-pool login where sign-in is required',
    caller: member,
    policy: requireAuthenticated(),
    code: null,
  },
  {
    name: 'allows a social login where sign-in is required',
    caller: google,
    policy: requireAuthenticated(),
    code: null,
  },
  {
    name: 'refuses a guest where sign-in is required',
    caller: guest,
    policy: requireAuthenticated(),
    code: 'CLAIM_CHECK',
  },
  {
    name: 'allows a guest where guests are allowed',
    caller: guest,
    policy: allowGuests(),
    code: null,
  },
  {
    name: 'refuses a plain IAM user where guests are allowed',
    caller: ops,
    policy: allowGuests(),
    code: 'CLAIM_CHECK',
  },
  {
    name: 'refuses a plain IAM user where sign-in is required',
    caller: ops,
    policy: requireAuthenticated(),
    code: 'CLAIM_CHECK',
  },
  {
    name: 'refuses an identity of an unconfigured identity pool',
    caller: stranger,
    policy: allowGuests(),
    code: 'CLIENT_ID',
  },
  {
    name: 'refuses a login through a user pool outside userPoolIds',
    caller: foreignUser,
    policy: allowGuests(),
    code: 'ISSUER',
  },
  {
    name: 'allows the named login provider',
    caller: google,
    policy: requireLoginProvider('accounts.google.com'),
    code: null,
  },
  {
    name: 'refuses another login provider',
    caller: member,
    policy: requireLoginProvider('accounts.google.com'),
    code: 'CLAIM_CHECK',
  },
  {
    name: 'allows the configured identity pool, signed in',
    caller: member,
    policy: allOfIdentity(requireAuthenticated(), requireIdentityPool(POOL)),
    code: null,
  },
];

const options = { identityPoolId: POOL, userPoolIds: [USER_POOL] };
const STATUS: Record<string, number> = { CLAIM_CHECK: 403, CLIENT_ID: 401, ISSUER: 401 };

describe('IAM caller conformance', () => {
  for (const row of ROWS) {
    it(`core: ${row.name}`, () => {
      let code: ErrorCode | null = null;
      try {
        const caller = iamCallerFromEvent(httpApiIamEvent(row.caller), options);
        code = checkIdentityPolicy(row.policy, caller)?.code ?? null;
      } catch (err) {
        if (!(err instanceof AuthError)) throw err;
        code = err.code;
      }
      expect(code).toBe(row.code);
    });

    for (const [surface, build] of [
      ['Lambda REST', restIamEvent],
      ['Lambda HTTP API', httpApiIamEvent],
    ] as const) {
      it(`${surface}: ${row.name}`, async () => {
        const denied: ErrorCode[] = [];
        const handler = lambdaIamAuth(async () => ({ statusCode: 200, body: 'ok' }), {
          ...options,
          policy: row.policy,
          onEvent: (event) => denied.push(event.code),
        });
        const response = await handler(build(row.caller));
        expect(denied).toEqual(row.code === null ? [] : [row.code]);
        expect(response.statusCode).toBe(row.code === null ? 200 : STATUS[row.code]);
      });
    }

    it(`AppSync AWS_IAM: ${row.name}`, async () => {
      const denied: ErrorCode[] = [];
      const resolver = appSyncIamAuth(async () => 'ok', {
        ...options,
        policy: row.policy,
        deny: 'envelope',
        onEvent: (denial) => denied.push(denial.code),
      });
      const result = await resolver(
        appSyncIamResolverEvent(row.caller, { fieldName: 'feed', parentTypeName: 'Query' }),
      );
      expect(denied).toEqual(row.code === null ? [] : [row.code]);
      expect(result).toEqual(
        row.code === null
          ? 'ok'
          : {
              data: null,
              errorType: 'Unauthorized',
              errorMessage: 'Not Authorized to access feed on type Query',
            },
      );
    });
  }
});
