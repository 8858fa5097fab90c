import type { App } from 'aws-cdk-lib';
import { config } from './config.ts';
import type { DatabaseKind } from './constructs/database.ts';
import { type CdcKind, HoldlineStack, type RelayKind } from './holdline-stack.ts';
import { providerChoiceFromContext } from './providers.ts';
import { tokenJwksUrlFromContext } from './token-issuer.ts';

/** The stack's name; also what `synthTemplate` returns. */
export const STACK_NAME = 'Holdline';

function choice<T extends string>(app: App, key: string, allowed: readonly T[], fallback: T): T {
  const value: unknown = app.node.tryGetContext(key) ?? fallback;
  if (!allowed.includes(value as T))
    throw new Error(`context ${key}=${String(value)}: expected one of ${allowed.join(', ')}`);
  return value as T;
}

/**
 * Adds the Holdline stack to an app, configured from context: `database` (`rds` | `aurora`, default `rds`),
 * `cdc` (`debezium` | `dms`, default `debezium`), `relay` (`cdc` | `polling`, default `cdc`),
 * the providers (`paymentGatewayUrl`, `inventoryServiceUrl`, `notificationServiceUrl`, and `providers=stub` for a stub
 * answering those not given: required, cdk/lib/providers.ts), `webDist` (built UI directory, default `web/dist`; uploaded only when built),
 * `bastion` (`true` adds the admin bastion for migrations), `capture` (`running` | `paused`: Debezium services at
 * 0 tasks for the first deploy), `multiAz` (`true` | `false`: RDS Multi-AZ, default `config.databaseMultiAz`), `egress` (`none` | `nat`: a NAT gateway so in-VPC functions reach the internet), `apiDomainName` +
 * `apiCertificateArn` (a custom API domain; the execute-api endpoint is then disabled), `tokenJwksUrl` (the token
 * issuer's JWKS: required, cdk/lib/token-issuer.ts).
 */
export function addHoldlineStack(app: App): HoldlineStack {
  const providers = providerChoiceFromContext((key) => app.node.tryGetContext(key));
  const webDist: unknown = app.node.tryGetContext('webDist');
  const apiDomainName: unknown = app.node.tryGetContext('apiDomainName');
  const apiCertificateArn: unknown = app.node.tryGetContext('apiCertificateArn');
  const tokenJwksUrl = tokenJwksUrlFromContext((key) => app.node.tryGetContext(key));
  if ((apiDomainName === undefined) !== (apiCertificateArn === undefined))
    throw new Error('context apiDomainName and apiCertificateArn go together');
  return new HoldlineStack(app, STACK_NAME, {
    database: choice<DatabaseKind>(app, 'database', ['rds', 'aurora'], 'rds'),
    cdc: choice<CdcKind>(app, 'cdc', ['debezium', 'dms'], 'debezium'),
    relay: choice<RelayKind>(app, 'relay', ['cdc', 'polling'], 'cdc'),
    providers,
    webDist: typeof webDist === 'string' ? webDist : undefined,
    bastion: choice(app, 'bastion', ['true', 'false'], 'false') === 'true',
    capturePaused: choice(app, 'capture', ['running', 'paused'], 'running') === 'paused',
    natEgress: choice(app, 'egress', ['none', 'nat'], 'none') === 'nat',
    databaseMultiAz:
      choice(app, 'multiAz', ['true', 'false'], config.databaseMultiAz ? 'true' : 'false') === 'true',
    apiDomain:
      typeof apiDomainName === 'string' && typeof apiCertificateArn === 'string'
        ? { domainName: apiDomainName, certificateArn: apiCertificateArn }
        : undefined,
    tokenJwksUrl,
  });
}
