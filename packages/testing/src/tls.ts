import { randomBytes, webcrypto } from 'node:crypto';
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  PemConverter,
  SubjectAlternativeNameExtension,
  SubjectKeyIdentifierExtension,
  X509CertificateGenerator,
} from '@peculiar/x509';

/**
 * PEM material for a throwaway HTTPS server: a self-signed CA, and a leaf certificate and key
 * for `127.0.0.1` and `localhost` issued by that CA.
 *
 * @example
 * const { ca, cert, key } = await createTestCertificates();
 * https.createServer({ cert, key });
 * https.get(url, { ca });
 */
export interface TestCertificates {
  /** The CA certificate, for the client's `ca` option. */
  readonly ca: string;
  /** The server's leaf certificate. */
  readonly cert: string;
  /** The leaf's private key, PKCS#8. */
  readonly key: string;
}

// ECDSA P-256 rather than RSA: generating two RSA keys would cost more than the whole test.
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

// Wall-clock, not the issuer's injected clock: certificate validity is checked by OpenSSL
// against the real time. A day on either side tolerates clock skew and long test runs.
const VALIDITY_MS = 24 * 60 * 60 * 1000;

/**
 * Creates a fresh CA and a leaf certificate signed by it. Nothing is written to disk and the
 * CA's private key is dropped once the leaf is signed, so the CA can vouch for nothing else.
 *
 * The crypto provider is passed to each call instead of set globally
 * (`cryptoProvider.set`), so this package changes no state another user of @peculiar/x509
 * relies on.
 *
 * @example
 * const { ca } = await createTestCertificates();
 */
export async function createTestCertificates(): Promise<TestCertificates> {
  const crypto = webcrypto;
  const now = Date.now();
  const notBefore = new Date(now - VALIDITY_MS);
  const notAfter = new Date(now + VALIDITY_MS);

  const caKeys = await crypto.subtle.generateKey(ALGORITHM, false, ['sign', 'verify']);
  const caCert = await X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serialNumber(),
      name: 'CN=cognito-guard throwaway test CA',
      notBefore,
      notAfter,
      keys: caKeys,
      signingAlgorithm: ALGORITHM,
      extensions: [
        new BasicConstraintsExtension(true, 0, true),
        new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true),
        await SubjectKeyIdentifierExtension.create(caKeys.publicKey, false, crypto),
      ],
    },
    crypto,
  );

  const leafKeys = await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const leafCert = await X509CertificateGenerator.create(
    {
      serialNumber: serialNumber(),
      subject: 'CN=localhost',
      issuer: caCert.subject,
      notBefore,
      notAfter,
      publicKey: leafKeys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: ALGORITHM,
      extensions: [
        new BasicConstraintsExtension(false, undefined, true),
        new KeyUsagesExtension(KeyUsageFlags.digitalSignature, true),
        new ExtendedKeyUsageExtension([ExtendedKeyUsage.serverAuth]),
        // The JWKS URI uses the IP literal; `localhost` is there for clients that prefer names.
        new SubjectAlternativeNameExtension([
          { type: 'ip', value: '127.0.0.1' },
          { type: 'dns', value: 'localhost' },
        ]),
        await SubjectKeyIdentifierExtension.create(leafKeys.publicKey, false, crypto),
        await AuthorityKeyIdentifierExtension.create(caKeys.publicKey, false, crypto),
      ],
    },
    crypto,
  );

  const pkcs8 = await crypto.subtle.exportKey('pkcs8', leafKeys.privateKey);
  return {
    ca: caCert.toString('pem'),
    cert: leafCert.toString('pem'),
    key: PemConverter.encode(pkcs8, 'PRIVATE KEY'),
  };
}

// A positive 16-byte serial (RFC 5280, section 4.1.2.2): the top bit is cleared so the DER
// integer is not read as negative, and the first byte is non-zero so it is not trimmed.
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString('hex');
}
