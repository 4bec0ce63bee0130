/**
 * Attack class 18 of SECURITY.md (claims with wrong types) and the exact-match rule
 * for scopes and groups (R26, R27, decision 6): prefix and case tricks, other separators, a string
 * where Cognito sends an array. Tokens are verified end to end, then the policy runs on the
 * verified result, as every adapter does.
 */
import {
  type AuthResult,
  checkPolicy,
  createVerifier,
  type Policy,
  requireGroups,
  requireScopes,
  toChallenge,
  type Verifier,
} from '@cognito-guard/core';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock, rejectionCode } from './helpers.js';

const clock = manualClock();
let issuer: TestIssuer;
let verifier: Verifier<null>;

beforeAll(async () => {
  issuer = await createTestIssuer({ https: true, clock: clock.now });
  verifier = createVerifier({
    userPoolId: issuer.userPoolId,
    clientId: issuer.clientId,
    tokenUse: null,
    jwksUri: issuer.jwksUri,
    jwks: { ca: issuer.ca },
    clock: clock.now,
    cache: false,
  });
});

afterAll(async () => {
  await issuer?.close();
});

/** The verified result of an access token whose `scope` claim is exactly `scope`. */
const withScope = async (scope: unknown) =>
  verifier.verify(await issuer.mintAccessToken({ claims: { scope } }));
/** The verified result of an access token whose `cognito:groups` claim is exactly `groups`. */
const withGroups = async (groups: unknown) =>
  verifier.verify(await issuer.mintAccessToken({ claims: { 'cognito:groups': groups } }));
/** The code a policy refuses with, or 'ALLOWED'. */
const decide = (policy: Policy, auth: AuthResult) => checkPolicy(policy, auth)?.code ?? 'ALLOWED';

describe('scopes and groups', () => {
  describe('scopes (R26, R27; RFC 6749 §3.3)', () => {
    const readScope = requireScopes('orders/read');

    it('control: the exact scope among others is allowed', async () => {
      expect(decide(readScope, await withScope('openid orders/read orders/write'))).toBe('ALLOWED');
    });

    it.each([
      ['an extension of the required scope', 'orders/readwrite'],
      ['a prefix of the required scope', 'orders/rea'],
      ['a prefixed copy of the required scope', 'xorders/read'],
      ['a sub-path of the required scope', 'orders/read/admin'],
      ['another case', 'Orders/Read'],
      ['a percent-encoded spelling', 'orders%2Fread'],
      ['a tab between scopes', 'openid\torders/read'],
      ['a comma between scopes', 'openid,orders/read'],
      ['a no-break space between scopes', 'openid\u00a0orders/read'],
      ['a line feed between scopes', 'openid\norders/read'],
      ['an empty scope claim', ''],
    ])('scope with %s: answers INSUFFICIENT_SCOPE', async (_name, scope) => {
      expect(decide(readScope, await withScope(scope))).toBe('INSUFFICIENT_SCOPE');
    });

    it('repeated and surrounding spaces still separate scopes', async () => {
      const auth = await withScope('  openid   orders/read  ');
      expect(auth.scopes).toEqual(['openid', 'orders/read']);
      expect(decide(readScope, auth)).toBe('ALLOWED');
    });

    it.each([
      ['an array', ['orders/read']],
      ['a number', 1],
      ['an object', { 'orders/read': true }],
      ['null', null],
    ])('scope as %s: answers CLAIM_TYPE at verification', async (_name, scope) => {
      expect(await rejectionCode(withScope(scope))).toBe('CLAIM_TYPE');
    });

    it('a missing scope is a 403 with the scope attribute, not a 401 (R33)', async () => {
      const auth = await withScope(undefined);
      const err = checkPolicy(readScope, auth)!;
      expect(err.code).toBe('INSUFFICIENT_SCOPE');
      const challenge = toChallenge(err);
      expect(challenge.status).toBe(403);
      expect(challenge.headers['www-authenticate']).toContain('error="insufficient_scope"');
      expect(challenge.headers['www-authenticate']).toContain('scope="orders/read"');
    });

    it('an ID token (which has no scope) does not satisfy a scope rule', async () => {
      const auth = await verifier.verify(await issuer.mintIdToken());
      expect(decide(readScope, auth)).toBe('INSUFFICIENT_SCOPE');
    });
  });

  describe('groups (R26, R27, decision 6)', () => {
    const admins = requireGroups('admin');

    it('control: membership of the exact group is allowed', async () => {
      expect(decide(admins, await withGroups(['readers', 'admin']))).toBe('ALLOWED');
    });

    it.each([
      ['an extension of the group', ['admins']],
      ['a prefix of the group', ['adm']],
      ['another case', ['Admin']],
      ['a trailing space', ['admin ']],
      ['a leading space', [' admin']],
      ['a Cyrillic "а" lookalike', ['\u0430dmin']],
      ['an empty list', []],
    ])('groups with %s: answers GROUP_NOT_ALLOWED', async (_name, groups) => {
      expect(decide(admins, await withGroups(groups))).toBe('GROUP_NOT_ALLOWED');
    });

    it('group names compare by code points: NFC "café" is not NFD "café"', async () => {
      const nfc = 'caf\u00e9';
      const nfd = 'cafe\u0301';
      expect(decide(requireGroups(nfc), await withGroups([nfd]))).toBe('GROUP_NOT_ALLOWED');
      expect(decide(requireGroups(nfc), await withGroups([nfc]))).toBe('ALLOWED');
    });

    it.each([
      ['a string instead of an array (aws-jwt-verify reads it as one group)', 'admin'],
      ['a comma-separated string', 'admin,readers'],
      ['an array holding a number', [1]],
      ['an array holding an array', [['admin']]],
      ['an array holding null', [null]],
      ['an object', { 0: 'admin' }],
      ['null', null],
      ['true', true],
    ])('cognito:groups as %s: answers CLAIM_TYPE at verification', async (_name, groups) => {
      expect(await rejectionCode(withGroups(groups))).toBe('CLAIM_TYPE');
    });

    it('noneOf refuses a member of a denied group even when an allowed group is held', async () => {
      const policy = requireGroups({ anyOf: ['admin'], noneOf: ['suspended'] });
      expect(decide(policy, await withGroups(['admin', 'suspended']))).toBe('GROUP_NOT_ALLOWED');
      expect(decide(policy, await withGroups(['admin']))).toBe('ALLOWED');
    });

    it('group names that are Object.prototype members are matched exactly, never inherited', async () => {
      const auth = await withGroups(['constructor']);
      expect(decide(requireGroups('constructor'), auth)).toBe('ALLOWED');
      expect(decide(requireGroups('toString'), auth)).toBe('GROUP_NOT_ALLOWED');
      expect(decide(requireGroups('__proto__'), auth)).toBe('GROUP_NOT_ALLOWED');
    });

    it('the verified groups cannot be extended after verification (frozen)', async () => {
      const auth = await withGroups(['readers']);
      expect(() => (auth.groups as string[]).push('admin')).toThrow(TypeError);
      expect(decide(admins, auth)).toBe('GROUP_NOT_ALLOWED');
    });
  });
});
