/**
 * Shared helpers for the adversarial suite (test/security). Not a test file.
 *
 * The testing kit signs any header and payload with its own keys; the attacks below also
 * need keys the test holds itself (PS256/RS512 signatures with the served key, e = 3 and
 * e = 1 keys, 1024-bit keys, raw header and payload bytes that JSON.stringify cannot
 * produce: duplicate members, a BOM, invalid UTF-8, `1e400`). `createForgeKey` gives a key
 * pair, its JWK and a signer over exact bytes; the test serves the JWK through the kit's
 * `setJwks`, so the verifier still fetches it from the JWKS server over a real socket.
 */
import {
  constants,
  createHash,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign as nodeSign,
} from 'node:crypto';
import { once } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { AuthError, type ErrorCode } from '@cognito-guard/core';

/** The code a promise rejects with; fails loudly on a resolve or a non-AuthError rejection. */
export async function rejectionCode(promise: Promise<unknown>): Promise<ErrorCode> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AuthError) return err.code;
    throw new Error(`expected an AuthError, got ${String(err)}`);
  }
  throw new Error('expected a rejection, but it resolved');
}

/** The code a synchronous call throws, or `undefined` when it returns. */
export function thrownCode(fn: () => unknown): ErrorCode | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof AuthError) return err.code;
    throw new Error(`expected an AuthError, got ${String(err)}`);
  }
  return undefined;
}

/** A clock the test moves by hand: epoch milliseconds. */
export interface ManualClock {
  now: () => number;
  /** Moves the clock by `seconds` (fractions allowed, negative moves it back). */
  advance: (seconds: number) => void;
  /** Sets the clock to `seconds` since the epoch. */
  set: (seconds: number) => void;
  /** Current time in whole epoch seconds. */
  seconds: () => number;
}

export function manualClock(startMs = Date.UTC(2026, 10, 1)): ManualClock {
  let current = startMs;
  return {
    now: () => current,
    advance: (seconds) => {
      current += seconds * 1000;
    },
    set: (seconds) => {
      current = seconds * 1000;
    },
    seconds: () => Math.floor(current / 1000),
  };
}

/** base64url of a string (UTF-8) or bytes, canonical and unpadded. */
export function b64u(data: string | Uint8Array): string {
  return Buffer.from(data).toString('base64url');
}

/** The three segments of a compact token. */
export function segments(token: string): [string, string, string] {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('not a three-segment token');
  return parts as [string, string, string];
}

/** The decoded payload of a token the test made (no checks: test code only). */
export function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(segments(token)[1], 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

/** A JWK as the verifier fetches it. */
export type Jwk = Record<string, unknown> & { kid: string };

/** A key pair the test holds, with its public JWK and signers over exact bytes. */
export interface ForgeKey {
  readonly kid: string;
  /** The public JWK as served: kty, n, e, kid, alg RS256, use sig (Cognito's members). */
  readonly jwk: Jwk;
  readonly publicKey: KeyObject;
  readonly privateKey: KeyObject;
  /**
   * A compact JWS over exactly these header and payload texts (objects are JSON.stringify'd;
   * strings and bytes are used as is), RS256 unless `algorithm` says otherwise.
   */
  sign(
    header: Record<string, unknown> | string | Uint8Array,
    payload: Record<string, unknown> | string | Uint8Array,
    algorithm?: SignAlgorithm,
  ): string;
  /**
   * `input + '.' + signature`, the signature made over the exact characters of `input`, even
   * when they are not base64url (padding, '+', whitespace): what a lax signer would produce.
   */
  signInput(input: string, algorithm?: SignAlgorithm): string;
}

/** How `ForgeKey.sign` computes the signature bytes. */
export type SignAlgorithm = 'RS256' | 'RS512' | 'PS256';

function bytesOf(value: Record<string, unknown> | string | Uint8Array): Uint8Array {
  if (value instanceof Uint8Array) return value;
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
}

/** Signs `input` (the ASCII signing input) with `algorithm`. */
export function signWith(privateKey: KeyObject, input: string, algorithm: SignAlgorithm): Buffer {
  const data = Buffer.from(input, 'utf8');
  switch (algorithm) {
    case 'RS256':
      return nodeSign('sha256', data, privateKey);
    case 'RS512':
      return nodeSign('sha512', data, privateKey);
    case 'PS256':
      return nodeSign('sha256', data, {
        key: privateKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: 32,
      });
  }
}

/**
 * Generates a key pair held by the test. `publicExponent` 3 builds the e = 3 key a verifier
 * must refuse; `modulusLength` 1024 the short one.
 */
export function createForgeKey(
  options: { kid?: string; modulusLength?: number; publicExponent?: number } = {},
): ForgeKey {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: options.modulusLength ?? 2048,
    publicExponent: options.publicExponent ?? 65537,
  });
  const exported = publicKey.export({ format: 'jwk' });
  const kid = options.kid ?? `forge-${createHash('sha256').update(exported.n!).digest('hex')}`;
  const jwk: Jwk = { alg: 'RS256', e: exported.e!, kid, kty: 'RSA', n: exported.n!, use: 'sig' };
  return {
    kid,
    jwk,
    publicKey,
    privateKey,
    sign(header, payload, algorithm = 'RS256') {
      const input = `${b64u(bytesOf(header))}.${b64u(bytesOf(payload))}`;
      return `${input}.${b64u(signWith(privateKey, input, algorithm))}`;
    },
    signInput(input, algorithm = 'RS256') {
      return `${input}.${b64u(signWith(privateKey, input, algorithm))}`;
    },
  };
}

/** A public key object for a JWK, for the "node:crypto alone would accept this" checks. */
export function keyObjectOf(jwk: Record<string, unknown>): KeyObject {
  return createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e } as never, format: 'jwk' });
}

/** Cognito access-token claims for `issuer`, valid at `nowSeconds` for an hour. */
export function accessClaims(
  issuer: { issuer: string; clientId: string },
  nowSeconds: number,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    sub: '5a1e4c1b-0000-4000-8000-000000000001',
    iss: issuer.issuer,
    version: 2,
    client_id: issuer.clientId,
    origin_jti: '6f0a1b2c-0000-4000-8000-000000000002',
    event_id: '7e1d2c3b-0000-4000-8000-000000000003',
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    auth_time: nowSeconds,
    exp: nowSeconds + 3600,
    iat: nowSeconds,
    jti: '8d2c3b4a-0000-4000-8000-000000000004',
    username: 'mallory',
  };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete claims[name];
    else Object.defineProperty(claims, name, { value, enumerable: true, writable: true });
  }
  return claims;
}

/**
 * A loopback HTTP server that only counts: the EVIL server. Any
 * connection to it means the verifier followed a URL it must never follow.
 */
export interface EvilServer {
  readonly url: string;
  readonly connections: number;
  readonly requests: number;
  close(): Promise<void>;
}

export async function startEvilServer(): Promise<EvilServer> {
  let connections = 0;
  let requests = 0;
  const sockets = new Set<Socket>();
  const server = http.createServer((_req, res) => {
    requests += 1;
    // What an attacker would serve: a JWKS with their own key.
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"keys":[]}');
  });
  server.on('connection', (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.listen({ port: 0, host: '127.0.0.1' });
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The same bytes spelled with non-zero unused trailing bits ("QQ" -> "QR"): Node decodes
 * both to the same bytes. Throws when the segment has no unused bits (length ≡ 0 mod 4).
 */
export function withTrailingBits(segment: string): string {
  const rest = segment.length % 4;
  if (rest !== 2 && rest !== 3) throw new Error('this segment has no unused trailing bits');
  const last = ALPHABET.indexOf(segment[segment.length - 1]!);
  return segment.slice(0, -1) + ALPHABET[last | 1];
}

/** The same bytes in standard base64 ('+', '/'), without padding. */
export function toStandardBase64(segment: string): string {
  return Buffer.from(segment, 'base64url').toString('base64').replace(/=+$/, '');
}
