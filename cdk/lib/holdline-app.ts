import type { App } from 'aws-cdk-lib';
import type { DatabaseKind } from './constructs/database.ts';
import { type CdcKind, HoldlineStack } from './holdline-stack.ts';

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
 * `cdc` (`debezium` | `dms`, default `debezium`), `paymentGatewayUrl` (optional), `webDist` (optional: a built
 * web/dist to upload, e.g. `npm run cdk -- deploy -c webDist=web/dist`).
 */
export function addHoldlineStack(app: App): HoldlineStack {
  const paymentGatewayUrl: unknown = app.node.tryGetContext('paymentGatewayUrl');
  const webDist: unknown = app.node.tryGetContext('webDist');
  return new HoldlineStack(app, STACK_NAME, {
    database: choice<DatabaseKind>(app, 'database', ['rds', 'aurora'], 'rds'),
    cdc: choice<CdcKind>(app, 'cdc', ['debezium', 'dms'], 'debezium'),
    paymentGatewayUrl: typeof paymentGatewayUrl === 'string' ? paymentGatewayUrl : undefined,
    webDistDir: typeof webDist === 'string' ? webDist : undefined,
  });
}
