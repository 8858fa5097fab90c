/**
 * The guide's connection string, read with libpq's meaning of `sslmode` (`require` = encrypted, certificate not
 * checked), so one URL works for psql and for node-pg — which otherwise reads `require` as `verify-full`, and
 * through a tunnel to 127.0.0.1 the RDS certificate names another host.
 */
export function libpqCompatible(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (url.searchParams.has('sslmode') && !url.searchParams.has('uselibpqcompat'))
    url.searchParams.set('uselibpqcompat', 'true');
  return url.toString();
}
