import { util } from '@aws-appsync/utils';
import { isAuthError } from '@cognito-guard/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { cognitoIdentity, requireGroups, requireUser } from '../js/guard.js';
import { authFromIdentity } from '../src/index.js';
import { IDENTITY_TABLE } from './identity-table.js';

/**
 * The Lambda resolver guard (`authFromIdentity`) and the APPSYNC_JS guard (`js/guard.js`) read
 * the same `ctx.identity`; they must agree on every identity of one shared table: the same
 * refusals, and the same caller (mode, sub, username, groups, scopes) when they accept.
 */

class Unauthorized extends Error {
  override readonly name = 'Unauthorized';
}

beforeEach(() => {
  // `@aws-appsync/utils` ships types only; in AppSync, util.unauthorized() ends the handler.
  Object.assign(util, {
    unauthorized(): never {
      throw new Unauthorized('Unauthorized');
    },
  });
});

/** What the Lambda side makes of an identity: the caller, or the refusal code. */
function lambdaSide(identity: unknown) {
  try {
    const auth = authFromIdentity(structuredClone(identity));
    return {
      mode: auth.source,
      sub: auth.sub,
      username: auth.username ?? null,
      groups: [...auth.groups],
      scopes: [...auth.scopes],
    };
  } catch (err) {
    if (isAuthError(err)) return { refused: err.code };
    throw err;
  }
}

/** What the APPSYNC_JS guard makes of it: the caller, or `null`. */
function jsSide(identity: unknown) {
  const caller = cognitoIdentity({ identity: structuredClone(identity) });
  if (caller === null) return null;
  return {
    mode: caller.mode,
    sub: caller.sub,
    username: caller.username,
    groups: [...caller.groups],
    scopes: [...caller.scopes],
  };
}

describe('identity agreement: authFromIdentity and the APPSYNC_JS guard', () => {
  it.each(IDENTITY_TABLE.map((c) => [c.name, c] as const))(
    '%s: both guards reach the expected outcome',
    (_name, { identity, expected }) => {
      expect(lambdaSide(identity)).toEqual(expected);
      if ('refused' in expected) {
        expect(jsSide(identity)).toBeNull();
        expect(() => requireUser({ identity: structuredClone(identity) })).toThrow(Unauthorized);
      } else {
        expect(jsSide(identity)).toEqual(expected);
      }
    },
  );

  it('a foreign OIDC identity carrying cognito:groups ["admin"] is refused the admin group by both', () => {
    const foreign = IDENTITY_TABLE.find((c) => c.name.startsWith('OIDC mode, another issuer'));
    expect(foreign).toBeDefined();
    expect(() => requireGroups({ identity: foreign!.identity }, 'admin')).toThrow(Unauthorized);
    expect(lambdaSide(foreign!.identity)).toEqual({ refused: 'ISSUER' });
  });

  it('a foreign Lambda resolverContext {sub, tokenUse, groups: "admin"} is refused by both', () => {
    const foreign = IDENTITY_TABLE.find((c) => c.name.includes('foreign resolverContext'));
    expect(foreign).toBeDefined();
    expect(() => requireGroups({ identity: foreign!.identity }, 'admin')).toThrow(Unauthorized);
    expect(lambdaSide(foreign!.identity)).toEqual({ refused: 'CLAIM_TYPE' });
  });
});
