/**
 * The verifiers compared in `pnpm bench`, each configured the way its README tells a Cognito
 * user to, against the testing kit's HTTPS JWKS server (see "How each peer gets the keys" in
 * RESULTS.md). `ctx` is what the orchestrator hands every child:
 * `{ userPoolId, clientId, issuer, jwksUri, ca, jwks }` (issuer = the real Cognito `iss`,
 * jwksUri = the local https URL, ca = the throwaway CA PEM, jwks = the public key set).
 *
 * Processes that run fetch-based peers (jose, get-jwks, fastify-jwt-jwks use Node's global
 * `fetch`, which takes no per-request CA) are started with NODE_EXTRA_CA_CERTS pointing at
 * the CA; peers with a CA option get it explicitly as well.
 */
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { Agent } from 'node:https';

/** Ids of the verify-level peers, in report order. */
export const VERIFY_PEERS = [
  'crypto',
  'ours',
  'ours-second',
  'ours-nocache',
  'aws-jwt-verify',
  'jose',
  'jsonwebtoken',
  'fast-jwt',
  'fast-jwt-cache',
];

export const PEER_LABELS = {
  crypto: 'bare `crypto.verify`, cached KeyObject (floor)',
  ours: '**cognito-guard** (cache on)',
  'ours-second':
    "**cognito-guard** (cache on; distinct: each token's second verification, the one that caches it)",
  'ours-nocache': '**cognito-guard** (cache off)',
  'aws-jwt-verify': 'aws-jwt-verify',
  jose: 'jose (createRemoteJWKSet)',
  jsonwebtoken: 'jsonwebtoken + jwks-rsa',
  'fast-jwt': 'fast-jwt + get-jwks',
  'fast-jwt-cache': 'fast-jwt + get-jwks (fast-jwt cache on)',
};

/**
 * What the generic libraries do not check for us: a Cognito access token for this client.
 * The cost is a few property reads; it makes every row accept and reject the same tokens.
 */
function cognitoAccessCheck(payload, ctx) {
  if (payload.token_use !== 'access' || payload.client_id !== ctx.clientId) {
    throw new Error('not an access token for this client');
  }
  return payload;
}

/**
 * aws-jwt-verify derives the JWKS URI from the pool id (cognito-idp.<region>.amazonaws.com)
 * and has no override for Cognito verifiers; this fetcher sends its requests to the local
 * server instead, over Node https with the test CA.
 */
export async function awsJwksCache(ctx) {
  const { SimpleJwksCache } = await import('aws-jwt-verify/jwk');
  const { SimpleFetcher } = await import('aws-jwt-verify/https');
  const fetcher = new SimpleFetcher({ defaultRequestOptions: { ca: ctx.ca } });
  return new SimpleJwksCache({
    fetcher: { fetch: (_uri, options, data) => fetcher.fetch(ctx.jwksUri, options, data) },
  });
}

export async function createAwsVerifier(ctx) {
  const { CognitoJwtVerifier } = await import('aws-jwt-verify');
  return CognitoJwtVerifier.create(
    { userPoolId: ctx.userPoolId, tokenUse: 'access', clientId: ctx.clientId },
    { jwksCache: await awsJwksCache(ctx) },
  );
}

/**
 * Development aid: BENCH_CORE (a file URL or path to another build of @cognito-guard/core,
 * e.g. a scratch copy with a proposed change) replaces the installed one in every child.
 */
export const CORE_MODULE = process.env.BENCH_CORE ?? '@cognito-guard/core';

export async function createOurVerifier(ctx, extra = {}) {
  const { createVerifier } = await import(CORE_MODULE);
  return createVerifier({
    userPoolId: ctx.userPoolId,
    clientId: ctx.clientId,
    tokenUse: 'access',
    jwksUri: ctx.jwksUri,
    jwks: { ca: ctx.ca },
    ...extra,
  });
}

/** An https.Agent that trusts the test CA (for libraries that take an agent). */
export function testAgent(ctx) {
  return new Agent({ ca: ctx.ca, keepAlive: false });
}

/**
 * Creates peer `id`. Returns `{ verify(token) }`; `verify` returns (or resolves to) the claims
 * and throws (or rejects) for a token it does not accept. `sync` marks the floor, which is
 * called without `await`.
 */
export async function createPeer(id, ctx, options = {}) {
  switch (id) {
    case 'crypto': {
      // The physical floor: split, decode the signature, one RSA verify with a KeyObject made
      // once. No JSON, no claims; it accepts an expired token, so it is not a verifier.
      const keys = new Map(
        ctx.jwks.keys.map((jwk) => [jwk.kid, createPublicKey({ key: jwk, format: 'jwk' })]),
      );
      const key = keys.values().next().value;
      return {
        sync: true,
        signatureOnly: true,
        verify(token) {
          const dot = token.lastIndexOf('.');
          const ok = cryptoVerify(
            'sha256',
            Buffer.from(token.slice(0, dot)),
            key,
            Buffer.from(token.slice(dot + 1), 'base64url'),
          );
          if (!ok) throw new Error('bad signature');
          return ok;
        },
      };
    }
    case 'ours':
    case 'ours-second':
    case 'ours-nocache': {
      const verifier = await createOurVerifier(ctx, {
        ...(id === 'ours-nocache' ? { cache: false } : {}),
        ...options.ours,
      });
      return { verify: (token) => verifier.verify(token), verifier };
    }
    case 'aws-jwt-verify': {
      const verifier = await createAwsVerifier(ctx);
      return { verify: (token) => verifier.verify(token) };
    }
    case 'jose': {
      const { createRemoteJWKSet, jwtVerify } = await import('jose');
      const jwks = createRemoteJWKSet(new URL(ctx.jwksUri));
      const opts = { issuer: ctx.issuer, algorithms: ['RS256'] };
      return {
        async verify(token) {
          const { payload } = await jwtVerify(token, jwks, opts);
          return cognitoAccessCheck(payload, ctx);
        },
      };
    }
    case 'jsonwebtoken': {
      const jwt = (await import('jsonwebtoken')).default;
      const jwksRsa = (await import('jwks-rsa')).default;
      // jwks-rsa's defaults: cache on (5 keys, 10 min), no rate limit.
      const client = jwksRsa({ jwksUri: ctx.jwksUri, requestAgent: testAgent(ctx) });
      const getKey = (header, callback) => {
        client.getSigningKey(header.kid).then(
          (key) => callback(null, key.getPublicKey()),
          (err) => callback(err),
        );
      };
      const opts = { issuer: ctx.issuer, algorithms: ['RS256'] };
      return {
        verify: (token) =>
          new Promise((resolve, reject) => {
            jwt.verify(token, getKey, opts, (err, payload) => {
              if (err) reject(err);
              else {
                try {
                  resolve(cognitoAccessCheck(payload, ctx));
                } catch (checkError) {
                  reject(checkError);
                }
              }
            });
          }),
      };
    }
    case 'fast-jwt':
    case 'fast-jwt-cache': {
      const { createVerifier } = await import('fast-jwt');
      const buildGetJwks = (await import('get-jwks')).default;
      const getJwks = buildGetJwks();
      // get-jwks appends `.well-known/jwks.json` to the "domain".
      const domain = ctx.jwksUri.replace(/\.well-known\/jwks\.json$/, '');
      const verifier = createVerifier({
        key: async ({ header }) =>
          getJwks.getPublicKey({ kid: header.kid, alg: header.alg, domain }),
        algorithms: ['RS256'],
        allowedIss: ctx.issuer,
        // fast-jwt's verified-token cache: 1000 entries by default.
        cache: id === 'fast-jwt-cache',
      });
      return {
        async verify(token) {
          return cognitoAccessCheck(await verifier(token), ctx);
        },
      };
    }
    default:
      throw new Error(`unknown peer ${id}`);
  }
}
