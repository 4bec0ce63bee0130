import { readFileSync } from 'node:fs';
import type { TestIamCaller, TestIdentityLogin } from '@cognito-guard/testing';

/** The example's pools and callers, shared by its tests. */

// The identity pool of the HTTP API sample event (aws/aws-lambda-go testdata).
export const POOL = 'us-east-1:4f291106-8703-466b-8f2b-3ecee1ca56ce';
export const USER_POOL = 'us-east-1_Example';
export const SUB = '8f0e2c4a-1b2c-4d5e-8f90-123456789abc';

/** An identity of the example's identity pool; `n` tells the identity ids apart. */
function identity(n: string, login: TestIdentityLogin): TestIamCaller {
  return {
    kind: 'identity',
    identityPoolId: POOL,
    identityId: `us-east-1:00000000-0000-4000-8000-00000000${n}`,
    login,
  };
}

export const guest = identity('aaaa', { kind: 'guest' });
export const member = identity('bbbb', { kind: 'user-pool', userPoolId: USER_POOL, sub: SUB });
export const google = identity('cccc', {
  kind: 'social',
  provider: 'accounts.google.com',
  userId: '42',
});
export const ops: TestIamCaller = {
  kind: 'iam-user',
  userArn: 'arn:aws:iam::123456789012:user/ops',
};

const FIXTURES = new URL('../../../test/fixtures/aws-events/', import.meta.url);

/** A fresh copy of one of the public AWS sample events in test/fixtures/aws-events. */
// biome-ignore lint/suspicious/noExplicitAny: test copies of JSON samples, edited by path
export function sample(name: string): any {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));
}
