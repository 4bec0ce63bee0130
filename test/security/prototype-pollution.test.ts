/**
 * Attack class 22 of SECURITY.md and rules R13 and R28: a signed `__proto__` (or
 * `constructor`, `prototype`) member must have neither a local effect (the claims or header
 * object inheriting attacker values, pitfall 5) nor a global one (Object.prototype changed for the
 * whole process). And the other direction: if something else in the process has polluted
 * Object.prototype, the verifier must still read own properties only (R13 for `alg`/`kid`,
 * R28 for claims), so the pollution cannot grant groups, scopes or a missing claim.
 *
 * Every token here is validly signed by the pool's own key.
 */
import { createVerifier, type Verifier } from '@cognito-guard/core';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { accessClaims, manualClock, rejectionCode } from './helpers.js';

const clock = manualClock();
let issuer: TestIssuer;
let verifier: Verifier<'access'>;
const PROTO = Object.prototype as Record<string, unknown>;
const pristine = Object.getOwnPropertyNames(Object.prototype).sort();

beforeAll(async () => {
  issuer = await createTestIssuer({ https: true, clock: clock.now });
  verifier = createVerifier({
    userPoolId: issuer.userPoolId,
    clientId: issuer.clientId,
    tokenUse: 'access',
    jwksUri: issuer.jwksUri,
    jwks: { ca: issuer.ca },
    clock: clock.now,
    cache: false,
  });
  // Keys are fetched before any test pollutes Object.prototype: no I/O runs polluted.
  await verifier.hydrate();
});

afterEach(() => {
  // Whatever a test did, the global prototype is exactly as it was.
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(pristine);
  issuer.misbehave(null);
});

afterAll(async () => {
  await issuer?.close();
});

/** Signs `text` (a JSON payload written by hand) with the pool key. */
const signText = (text: string) => issuer.sign(Buffer.from(text));
const claimsText = () => JSON.stringify(accessClaims(issuer, clock.seconds()));
const withMember = (json: string, extra: string) => `${json.slice(0, -1)},${extra}}`;

/** Runs `fn` with `Object.prototype[name] = value`, restoring it afterwards. */
async function withPollution<T>(
  pollution: Record<string, unknown>,
  fn: () => Promise<T>,
): Promise<T> {
  for (const [name, value] of Object.entries(pollution)) {
    Object.defineProperty(Object.prototype, name, { value, configurable: true, writable: true });
  }
  try {
    return await fn();
  } finally {
    for (const name of Object.keys(pollution)) delete PROTO[name];
  }
}

describe('prototype pollution', () => {
  describe('a signed __proto__, constructor or prototype member (class 22)', () => {
    it('__proto__ carrying cognito:groups: the payload is potent for a naive merge, and the verifier answers MALFORMED', async () => {
      const text = withMember(claimsText(), '"__proto__":{"cognito:groups":["admins"]}');
      // The local effect a naive consumer would suffer (pitfall 5): the copy inherits the groups.
      const naive = Object.assign({}, JSON.parse(text)) as Record<string, unknown>;
      expect(naive['cognito:groups']).toEqual(['admins']);
      expect(Object.hasOwn(naive, 'cognito:groups')).toBe(false);
      // The verifier refuses the member outright.
      expect(await rejectionCode(verifier.verify(await signText(text)))).toBe('MALFORMED');
      // And nothing leaked into the global prototype.
      expect(({} as Record<string, unknown>)['cognito:groups']).toBeUndefined();
    });

    it('__proto__ nested inside a custom claim: answers MALFORMED', async () => {
      const text = withMember(claimsText(), '"custom:profile":{"__proto__":{"isAdmin":true}}');
      expect(await rejectionCode(verifier.verify(await signText(text)))).toBe('MALFORMED');
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    });

    it('__proto__ spelled with JSON escapes ("\\u005f\\u005fproto__"): answers MALFORMED', async () => {
      const text = withMember(
        claimsText(),
        '"\\u005f\\u005fproto__":{"cognito:groups":["admins"]}',
      );
      // JSON.parse decodes the escape into an own "__proto__" member, like the plain spelling.
      expect(Object.hasOwn(JSON.parse(text) as object, '__proto__')).toBe(true);
      expect(await rejectionCode(verifier.verify(await signText(text)))).toBe('MALFORMED');
    });

    it('constructor.prototype (the deep-merge gadget): answers MALFORMED and Object.prototype is untouched', async () => {
      const text = withMember(claimsText(), '"constructor":{"prototype":{"isAdmin":true}}');
      expect(await rejectionCode(verifier.verify(await signText(text)))).toBe('MALFORMED');
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    });

    it('a top-level prototype member: answers MALFORMED', async () => {
      const text = withMember(claimsText(), '"prototype":{"isAdmin":true}');
      expect(await rejectionCode(verifier.verify(await signText(text)))).toBe('MALFORMED');
    });

    it('__proto__ in the header supplying alg or kid (R13): answers MALFORMED', async () => {
      // JSON.parse makes `__proto__` an own member; the kit writes it into the header as is.
      const protoAlg = JSON.parse('{"__proto__":{"alg":"RS256"}}') as Record<string, unknown>;
      const protoKid = JSON.parse(`{"__proto__":{"kid":"${issuer.currentKid}"}}`) as Record<
        string,
        unknown
      >;
      for (const header of [
        { alg: undefined, ...protoAlg },
        { kid: undefined, ...protoKid },
      ]) {
        const token = await issuer.mintAccessToken({ header });
        const decoded = Buffer.from(token.split('.')[0]!, 'base64url').toString();
        expect(decoded).toContain('"__proto__"');
        expect(await rejectionCode(verifier.verify(token))).toBe('MALFORMED');
      }
    });

    it('a verified result copied with Object.assign or spread cannot pick up a prototype', async () => {
      const auth = await verifier.verify(await issuer.mintAccessToken());
      const assigned = Object.assign({}, auth.claims) as Record<string, unknown>;
      const spread = { ...auth.claims } as Record<string, unknown>;
      expect(Object.getPrototypeOf(assigned)).toBe(Object.prototype);
      expect(assigned['cognito:groups']).toBeUndefined();
      expect(spread['cognito:groups']).toBeUndefined();
      expect(Object.isFrozen(auth.claims)).toBe(true);
    });

    it('a JWKS with a __proto__ member: answers JWKS_INVALID', async () => {
      const jwk = issuer.jwks().keys[0]!;
      issuer.misbehave({
        kind: 'raw',
        body: `{"keys":[${JSON.stringify(jwk).slice(0, -1)},"__proto__":{"use":"sig"}}]}`,
        headers: { 'content-type': 'application/json' },
      });
      const fresh = createVerifier({
        userPoolId: issuer.userPoolId,
        clientId: issuer.clientId,
        tokenUse: 'access',
        jwksUri: issuer.jwksUri,
        jwks: { ca: issuer.ca },
        clock: clock.now,
      });
      expect(await rejectionCode(fresh.verify(await issuer.mintAccessToken()))).toBe(
        'JWKS_INVALID',
      );
    });
  });

  describe('Object.prototype already polluted elsewhere in the process (R13, R28: own properties only)', () => {
    it('a polluted cognito:groups and scope do not grant groups or scopes to a token without them', async () => {
      const token = await issuer.mintAccessToken({ scopes: [], claims: { scope: undefined } });
      const auth = await withPollution({ 'cognito:groups': ['admin'], scope: 'orders/admin' }, () =>
        verifier.verify(token),
      );
      expect(auth.groups).toEqual([]);
      expect(auth.scopes).toEqual([]);
    });

    it('a polluted exp does not stand in for the missing exp claim: answers CLAIM_TYPE', async () => {
      const token = await issuer.mintAccessToken({ claims: { exp: undefined } });
      const code = await withPollution({ exp: clock.seconds() + 600 }, () =>
        rejectionCode(verifier.verify(token)),
      );
      expect(code).toBe('CLAIM_TYPE');
    });

    it('a polluted kid does not stand in for the missing kid header: answers KID_MISSING', async () => {
      const token = await issuer.mintAccessToken({ header: { kid: undefined } });
      const code = await withPollution({ kid: issuer.currentKid }, () =>
        rejectionCode(verifier.verify(token)),
      );
      expect(code).toBe('KID_MISSING');
    });
  });
});
