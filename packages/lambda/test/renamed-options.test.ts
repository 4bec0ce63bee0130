import { createVerifier, requireGroups, type Verifier } from '@cognito-guard/core';
import {
  createTestIssuer,
  restTokenAuthorizerEvent,
  type TestIssuer,
} from '@cognito-guard/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRestTokenAuthorizer, createWebSocketAuthorizer } from '../src/index.js';
import { eventLog, iamAllows } from './helpers.js';

let issuer: TestIssuer;
let verifier: Verifier<'access'>;

beforeAll(async () => {
  issuer = await createTestIssuer();
  verifier = createVerifier({
    userPoolId: issuer.userPoolId,
    clientId: issuer.clientId,
    tokenUse: 'access',
    jwksUri: issuer.jwksUri,
  });
});

afterAll(async () => {
  await issuer?.close();
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the request-wide policy of the Lambda authorizers', () => {
  it('denies the whole stage under `policy` to a token the policy refuses', async () => {
    const log = eventLog();
    const handler = createRestTokenAuthorizer({
      verifier,
      policy: requireGroups('admin'),
      onEvent: log.onEvent,
    });
    const token = await issuer.mintAccessToken({ groups: ['reader'] });
    const event = restTokenAuthorizerEvent({ token, method: 'GET', path: '/orders' });
    const result = await handler(event);
    expect(iamAllows(result.policyDocument, event.methodArn)).toBe(false);
    expect(log.events.at(-1)).toMatchObject({ type: 'deny', code: 'GROUP_NOT_ALLOWED' });
  });

  it('still reads the deprecated `require`, and warns once per process with a code', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const first = createRestTokenAuthorizer({ verifier, require: requireGroups('admin') });
    createWebSocketAuthorizer({ verifier, require: requireGroups('admin') });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[1]).toEqual({
      type: 'DeprecationWarning',
      code: 'COGNITO_GUARD_DEP_LAMBDA_REQUIRE',
    });
    expect(String(warn.mock.calls[0]?.[0])).toContain('use policy');
    const token = await issuer.mintAccessToken({ groups: ['reader'] });
    const event = restTokenAuthorizerEvent({ token, method: 'GET', path: '/orders' });
    expect(iamAllows((await first(event)).policyDocument, event.methodArn)).toBe(false);
  });

  it('refuses `policy` and `require` together at creation', () => {
    expect(() =>
      createRestTokenAuthorizer({
        verifier,
        policy: requireGroups('admin'),
        require: requireGroups('admin'),
      }),
    ).toThrow('give one, not both');
  });
});
