/**
 * Attack classes 13-15 of SECURITY.md: a valid signature from the wrong issuer, an ID token where
 * an access token is expected (and the reverse, RFC 8725 §2.8 cross-JWT confusion), and client_id /
 * aud mismatches. Rules R23-R27, Cognito profile (SECURITY.md, pitfall 8).
 *
 * Every token here is validly signed by the pool's own key: only the claim under test is
 * wrong. The issuer is compared before any key lookup, so an issuer variant must never make
 * the verifier fetch a JWKS.
 */
import { createVerifier, type VerifierEvent } from '@cognito-guard/core';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock, rejectionCode } from './helpers.js';

const clock = manualClock();
let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer({
    https: true,
    clock: clock.now,
    userPoolId: 'us-east-1_CognitoPool1',
    clientId: 'allowedclient000000000001',
  });
});

afterAll(async () => {
  await issuer?.close();
});

function verifierFor(
  tokenUse: 'access' | 'id' | null,
  clientId: string | string[] | null = issuer.clientId,
) {
  const events: VerifierEvent[] = [];
  const verifier = createVerifier({
    userPoolId: issuer.userPoolId,
    clientId,
    tokenUse,
    jwksUri: issuer.jwksUri,
    jwks: { ca: issuer.ca },
    clock: clock.now,
    cache: false,
    onEvent: (e) => events.push(e),
  });
  return { verifier, fetches: () => events.filter((e) => e.type === 'jwks-fetch').length };
}

const access = () => verifierFor('access').verifier;
const id = () => verifierFor('id').verifier;

describe('Cognito claims', () => {
  describe('issuer (class 13, R23, R27)', () => {
    const variants: [string, () => unknown][] = [
      ['with a trailing slash', () => `${issuer.issuer}/`],
      ['with an upper-case host', () => issuer.issuer.replace('cognito-idp', 'COGNITO-IDP')],
      ['with an upper-case region', () => issuer.issuer.replace('us-east-1.', 'US-EAST-1.')],
      [
        'with the pool id in lower case',
        () => issuer.issuer.replace('CognitoPool1', 'cognitopool1'),
      ],
      [
        'with the same pool id in another region',
        () => issuer.issuer.replace('us-east-1.', 'us-west-2.'),
      ],
      [
        'in the issuer-cognito-idp form',
        () => issuer.issuer.replace('cognito-idp', 'issuer-cognito-idp'),
      ],
      ['with http: instead of https:', () => issuer.issuer.replace('https:', 'http:')],
      [
        'with a lookalike host (…amazonaws.com.evil)',
        () => issuer.issuer.replace('amazonaws.com', 'amazonaws.com.evil'),
      ],
      [
        'with an explicit :443 port',
        () => issuer.issuer.replace('amazonaws.com', 'amazonaws.com:443'),
      ],
      ['with a query string', () => `${issuer.issuer}?x=1`],
      ['with a fragment', () => `${issuer.issuer}#x`],
      ['with a percent-encoded path', () => issuer.issuer.replace('/us-east-1_', '/us-east-1%5F')],
      ['with a Cyrillic "о" in amazonaws', () => issuer.issuer.replace('amazonaws', 'amazоnaws')],
      ['with surrounding whitespace', () => ` ${issuer.issuer} `],
      ['as an array holding the issuer (fast-jwt CVE-2025-30144)', () => [issuer.issuer]],
      ['as an object', () => ({ iss: issuer.issuer })],
      ['as null', () => null],
      ['missing', () => undefined],
    ];

    it.each(variants)('iss %s: answers ISSUER without fetching any JWKS', async (_name, iss) => {
      const { verifier, fetches } = verifierFor('access');
      const token = await issuer.mintAccessToken({ claims: { iss: iss() } });
      expect(await rejectionCode(verifier.verify(token))).toBe('ISSUER');
      expect(fetches()).toBe(0);
    });

    it('control: the exact issuer is accepted', async () => {
      expect((await access().verify(await issuer.mintAccessToken())).userPoolId).toBe(
        issuer.userPoolId,
      );
    });

    it('a token from another pool with an unknown kid: answers ISSUER before the key lookup', async () => {
      const { verifier, fetches } = verifierFor('access');
      const token = await issuer.mintAccessToken({
        claims: { iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Elsewhere' },
        header: { kid: 'never-served' },
      });
      expect(await rejectionCode(verifier.verify(token))).toBe('ISSUER');
      expect(fetches()).toBe(0);
    });
  });

  describe('token_use (class 14, R25)', () => {
    it('an ID token presented to an access-token verifier: answers TOKEN_USE', async () => {
      expect(await rejectionCode(access().verify(await issuer.mintIdToken()))).toBe('TOKEN_USE');
    });

    it('an access token presented to an ID-token verifier: answers TOKEN_USE', async () => {
      expect(await rejectionCode(id().verify(await issuer.mintAccessToken()))).toBe('TOKEN_USE');
    });

    it('a client-credentials token presented to an ID-token verifier: answers TOKEN_USE', async () => {
      expect(await rejectionCode(id().verify(await issuer.mintClientCredentialsToken()))).toBe(
        'TOKEN_USE',
      );
    });

    it.each(['Access', 'ACCESS', 'access ', 'refresh', 'id_token', ''])(
      'token_use "%s": answers TOKEN_USE',
      async (tokenUse) => {
        const token = await issuer.mintAccessToken({ claims: { token_use: tokenUse } });
        expect(await rejectionCode(access().verify(token))).toBe('TOKEN_USE');
      },
    );

    it.each([
      ['missing', undefined],
      ['an array', ['access']],
      ['a number', 1],
      ['null', null],
    ])('token_use %s: answers CLAIM_TYPE', async (_name, tokenUse) => {
      const token = await issuer.mintAccessToken({ claims: { token_use: tokenUse } });
      expect(await rejectionCode(access().verify(token))).toBe('CLAIM_TYPE');
    });

    it('tokenUse null still refuses a token_use that is neither access nor id', async () => {
      const { verifier } = verifierFor(null);
      expect((await verifier.verify(await issuer.mintIdToken())).tokenUse).toBe('id');
      expect((await verifier.verify(await issuer.mintAccessToken())).tokenUse).toBe('access');
      const refresh = await issuer.mintAccessToken({ claims: { token_use: 'refresh' } });
      expect(await rejectionCode(verifier.verify(refresh))).toBe('TOKEN_USE');
    });
  });

  describe('client_id and aud (class 15, R24)', () => {
    it('an access token for another client that carries our client as aud: answers CLIENT_ID (no fallback to aud)', async () => {
      const token = await issuer.mintAccessToken({
        clientId: 'someotherclient000000001',
        claims: { aud: issuer.clientId },
      });
      expect(await rejectionCode(access().verify(token))).toBe('CLIENT_ID');
    });

    it('an access token with aud but no client_id: answers CLAIM_TYPE', async () => {
      const token = await issuer.mintAccessToken({
        claims: { client_id: undefined, aud: issuer.clientId },
      });
      expect(await rejectionCode(access().verify(token))).toBe('CLAIM_TYPE');
    });

    it('an ID token for another client that carries our client as client_id: answers CLIENT_ID', async () => {
      const token = await issuer.mintIdToken({
        clientId: 'someotherclient000000001',
        claims: { client_id: issuer.clientId },
      });
      expect(await rejectionCode(id().verify(token))).toBe('CLIENT_ID');
    });

    it('an ID token without aud: answers CLAIM_TYPE', async () => {
      const token = await issuer.mintIdToken({
        claims: { aud: undefined, client_id: issuer.clientId },
      });
      expect(await rejectionCode(id().verify(token))).toBe('CLAIM_TYPE');
    });

    it.each([
      ['an array holding the client', () => [issuer.clientId]],
      ['an array of two clients', () => [issuer.clientId, 'other']],
      ['a number', () => 1],
      ['null', () => null],
    ])('aud of an ID token as %s: answers CLAIM_TYPE', async (_name, aud) => {
      const token = await issuer.mintIdToken({ claims: { aud: aud() } });
      expect(await rejectionCode(id().verify(token))).toBe('CLAIM_TYPE');
    });

    it.each([
      ['an array holding the client', () => [issuer.clientId]],
      ['an object', () => ({ id: issuer.clientId })],
    ])('client_id of an access token as %s: answers CLAIM_TYPE', async (_name, clientId) => {
      const token = await issuer.mintAccessToken({ claims: { client_id: clientId() } });
      expect(await rejectionCode(access().verify(token))).toBe('CLAIM_TYPE');
    });

    it.each([
      ['in upper case', () => issuer.clientId.toUpperCase()],
      ['with a trailing space', () => `${issuer.clientId} `],
      ['as a prefix', () => issuer.clientId.slice(0, -1)],
      ['extended', () => `${issuer.clientId}0`],
      ['empty', () => ''],
    ])('client_id %s: answers CLIENT_ID (R27)', async (_name, clientId) => {
      const token = await issuer.mintAccessToken({ claims: { client_id: clientId() } });
      expect(await rejectionCode(access().verify(token))).toBe('CLIENT_ID');
    });

    it('a list of allowed clients accepts each of them and nothing else', async () => {
      const { verifier } = verifierFor('access', [issuer.clientId, 'secondclient000000000001']);
      expect((await verifier.verify(await issuer.mintAccessToken())).clientId).toBe(
        issuer.clientId,
      );
      expect(
        (
          await verifier.verify(
            await issuer.mintAccessToken({ clientId: 'secondclient000000000001' }),
          )
        ).clientId,
      ).toBe('secondclient000000000001');
      expect(
        await rejectionCode(
          verifier.verify(await issuer.mintAccessToken({ clientId: 'thirdclient0000000000001' })),
        ),
      ).toBe('CLIENT_ID');
    });

    it('clientId null (explicit opt-out) accepts any client but still needs the claim of the right type', async () => {
      const { verifier } = verifierFor('access', null);
      expect(
        (
          await verifier.verify(
            await issuer.mintAccessToken({ clientId: 'anyclient0000000000000001' }),
          )
        ).clientId,
      ).toBe('anyclient0000000000000001');
      const noClaim = await issuer.mintAccessToken({ claims: { client_id: undefined } });
      expect(await rejectionCode(verifier.verify(noClaim))).toBe('CLAIM_TYPE');
    });
  });

  describe('claim types (class 18, R26)', () => {
    it.each([
      ['sub missing', { sub: undefined }],
      ['sub empty', { sub: '' }],
      ['sub a number', { sub: 42 }],
      ['username a number', { username: 42 }],
      ['scope an array', { scope: ['aws.cognito.signin.user.admin'] }],
      ['jti a number', { jti: 1 }],
      ['auth_time a string', { auth_time: '1700000000' }],
      ['cognito:groups a string', { 'cognito:groups': 'admin' }],
    ])('%s: answers CLAIM_TYPE', async (_name, claims) => {
      expect(await rejectionCode(access().verify(await issuer.mintAccessToken({ claims })))).toBe(
        'CLAIM_TYPE',
      );
    });
  });
});
