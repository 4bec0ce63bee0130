/**
 * The rejection flood: the worst token shapes we can think of, each next to a valid token of
 * the same length, so "refusing costs at most what accepting costs" is measured like for like.
 *
 * Every shape is built in the orchestrator (it holds the issuer's keys) and shipped to the
 * measuring child over IPC. A "forged" signature is random bytes of the right length for the
 * served 2048-bit key: what anyone without the private key can send.
 */
import { randomBytes } from 'node:crypto';

const b64u = (data) => Buffer.from(data).toString('base64url');

/** A forged signature for a 2048-bit RSA key: 256 random bytes. */
const forgedSignature = () => b64u(randomBytes(256));

/** The JSON text of `claims` with `filler(i)` members appended until it is `bytes` long. */
function growObject(claims, bytes, filler) {
  const head = JSON.stringify(claims).slice(0, -1);
  const parts = [head];
  let length = head.length + 1;
  for (let i = 0; length < bytes; i++) {
    const part = `,${filler(i)}`;
    parts.push(part);
    length += part.length;
  }
  return `${parts.join('')}}`;
}

/** JSON bytes of a payload whose token (header, payload, signature) is about `tokenChars` long. */
function payloadBytesFor(tokenChars, headerB64) {
  // base64url turns 3 bytes into 4 characters; 342 characters of signature, two dots.
  return Math.floor(((tokenChars - headerB64.length - 344) * 3) / 4);
}

/**
 * Builds the shapes for one token length. `issuer` is the testing kit's issuer, `ctx` the
 * bench context. Returns `{ valid, validDistinct, shapes }`: a valid token of the length,
 * `distinctValid` more (distinct), and each refused shape with the codes it may get.
 */
export async function buildRejectionShapes(issuer, tokenChars, distinctValid = 0) {
  const kid = issuer.currentKid;
  const headerB64 = b64u(JSON.stringify({ kid, alg: 'RS256' }));
  const bytes = payloadBytesFor(tokenChars, headerB64);
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    sub: '5a1e4c1b-0000-4000-8000-000000000001',
    iss: issuer.issuer,
    version: 2,
    client_id: issuer.clientId,
    origin_jti: '6f0a1b2c-0000-4000-8000-000000000002',
    event_id: '7e1d2c3b-0000-4000-8000-000000000003',
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    auth_time: now,
    exp: now + 7200,
    iat: now,
    jti: '8d2c3b4a-0000-4000-8000-000000000004',
    username: 'flood',
  };
  const base = JSON.stringify(claims);
  // The valid reference: the same claims with one custom attribute padding it to the length.
  const padTo = (text) => Math.max(0, bytes - text.length - '"custom:pad":"",'.length);
  const pad = 'p'.repeat(padTo(base));
  const valid = await issuer.sign({ ...claims, 'custom:pad': pad });
  // Distinct valid tokens of the same length, for "a valid miss": each verified once by a
  // fresh default verifier, so every one is a cache miss (and a cache insert).
  const validDistinct = [];
  for (let i = 0; i < distinctValid; i += 64) {
    const batch = Array.from({ length: Math.min(64, distinctValid - i) }, (_, j) =>
      issuer.sign({
        ...claims,
        jti: `8d2c3b4a-0000-4000-8000-${String(i + j).padStart(12, '0')}`,
        'custom:pad': pad,
      }),
    );
    validDistinct.push(...(await Promise.all(batch)));
  }
  const forged = (payloadText, header = headerB64) =>
    `${header}.${b64u(payloadText)}.${forgedSignature()}`;
  const validSignature = valid.slice(valid.lastIndexOf('.') + 1);
  // Flip one bit in the middle of the signature: still canonical base64url, still 256 bytes.
  const sigBytes = Buffer.from(validSignature, 'base64url');
  sigBytes[128] ^= 0x01;
  const badSignature = `${valid.slice(0, valid.lastIndexOf('.'))}.${b64u(sigBytes)}`;
  const otherIssuer = issuer.issuer.replace(/_[A-Za-z0-9]+$/, '_SomeoneElse');
  const unknownKidHeader = b64u(JSON.stringify({ kid: b64u(randomBytes(33)), alg: 'RS256' }));
  const depth = Math.floor((bytes - base.length - 10) / 2);
  const shapes = [
    {
      id: 'members',
      label: 'an object of many members (`"m0":0,"m1":0,...`), forged signature',
      token: forged(growObject(claims, bytes, (i) => `"m${i}":0`)),
      codes: ['SIGNATURE_INVALID', 'MALFORMED'],
    },
    {
      id: 'objects',
      label: 'an array of empty objects (`[{},{},...]`), forged signature',
      token: forged(
        `${base.slice(0, -1)},"x":[${'{},'.repeat(Math.floor((bytes - base.length - 8) / 3))}{}]}`,
      ),
      codes: ['SIGNATURE_INVALID', 'MALFORMED'],
    },
    {
      id: 'nesting',
      label: `nested arrays (\`[[[...]]]\`, depth ${depth.toLocaleString('en-US')}), forged signature`,
      token: forged(`${base.slice(0, -1)},"x":${'['.repeat(depth)}${']'.repeat(depth)}}`),
      codes: ['SIGNATURE_INVALID', 'MALFORMED'],
    },
    {
      id: 'strings',
      label: 'an array of short strings (`cognito:groups`), forged signature',
      token: forged(
        `${base.slice(0, -1)},"cognito:groups":[${Array.from({ length: Math.floor((bytes - base.length - 24) / 5) }, (_, i) => `"${(i % 100).toString().padStart(2, '0')}"`).join(',')}]}`,
      ),
      codes: ['SIGNATURE_INVALID', 'MALFORMED'],
    },
    {
      id: 'long-string',
      label: 'one long string claim, forged signature',
      token: forged(JSON.stringify({ ...claims, 'custom:pad': pad })),
      codes: ['SIGNATURE_INVALID'],
    },
    {
      id: 'duplicates',
      label: 'duplicate members at the end of a long payload, forged signature',
      token: forged(
        `${JSON.stringify({ ...claims, 'custom:pad': pad.slice(20) }).slice(0, -1)},"sub":"x"}`,
      ),
      codes: ['SIGNATURE_INVALID', 'MALFORMED'],
    },
    {
      id: 'not-json',
      label: 'a payload that is not JSON (random printable bytes)',
      token: forged(randomBytes(bytes).toString('base64').slice(0, bytes)),
      codes: ['ISSUER', 'MALFORMED', 'SIGNATURE_INVALID'],
    },
    {
      id: 'unknown-kid',
      label: 'an unknown kid (valid claims, forged signature)',
      token: forged(JSON.stringify({ ...claims, 'custom:pad': pad }), unknownKidHeader),
      // KEY_NOT_FOUND right after a fetch; JWKS_UNAVAILABLE (503, retry) within the cooldown.
      codes: ['KEY_NOT_FOUND', 'JWKS_UNAVAILABLE'],
    },
    {
      id: 'wrong-issuer',
      label: 'another pool as issuer, forged signature',
      token: forged(JSON.stringify({ ...claims, iss: otherIssuer, 'custom:pad': pad })),
      codes: ['ISSUER'],
    },
    {
      id: 'bad-signature',
      label: 'a real token with one signature bit flipped',
      token: badSignature,
      codes: ['SIGNATURE_INVALID'],
    },
  ];
  return { valid, validDistinct, shapes };
}
