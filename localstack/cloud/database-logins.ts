import { asRecord, type CfnTemplate } from '../../cdk/lib/template.ts';
import { type DbRole, dbRoles } from '../../sql/roles.ts';
import type { DatabaseUrls } from '../processes/postgres/database.ts';
import type { FunctionSpec } from './runtime/functions.ts';

/** A function's DB_SECRET_ARN names a login the local database does not have. */
export class UnknownDatabaseLoginError extends Error {
  override name = 'UnknownDatabaseLoginError';
  constructor(
    readonly functionId: string,
    readonly detail: string,
  ) {
    super(`${functionId}: ${detail}`);
  }
}

const refOf = (value: unknown): string | undefined => {
  const ref = asRecord(value)?.Ref;
  return typeof ref === 'string' ? ref : undefined;
};

/**
 * The Postgres login the template gives a function, as AWS would sign it in: its `DB_SECRET_ARN` refers to a
 * secret (through the secret's attachment to the database), and that secret's generated JSON carries the
 * `username`. Undefined for a function without `DB_SECRET_ARN`.
 */
export function databaseLoginOf(template: CfnTemplate, functionId: string): string | undefined {
  const resources = template.Resources ?? {};
  const variables = asRecord(asRecord(resources[functionId]?.Properties?.Environment)?.Variables);
  if (variables?.DB_SECRET_ARN === undefined) return undefined;
  let secretId = refOf(variables.DB_SECRET_ARN);
  const attachment = secretId === undefined ? undefined : resources[secretId];
  if (attachment?.Type === 'AWS::SecretsManager::SecretTargetAttachment')
    secretId = refOf(attachment.Properties?.SecretId);
  const generate = asRecord(
    secretId === undefined ? undefined : resources[secretId]?.Properties,
  )?.GenerateSecretString;
  const shape = asRecord(generate)?.SecretStringTemplate;
  if (typeof shape !== 'string')
    throw new UnknownDatabaseLoginError(
      functionId,
      'DB_SECRET_ARN does not refer to a generated login secret',
    );
  const username: unknown = JSON.parse(shape).username;
  if (typeof username !== 'string')
    throw new UnknownDatabaseLoginError(functionId, 'its login secret names no username');
  return username;
}

/**
 * The local environment that logs each function in as its template's login: `DATABASE_URL` of that role, so the
 * API, the consumers, the monitor and the reaper have locally the privileges they have in AWS.
 */
export function databaseEnvOf(
  template: CfnTemplate,
  urls: DatabaseUrls,
): (fn: FunctionSpec) => Record<string, string> {
  const byLogin = new Map(Object.entries(dbRoles).map(([role, name]) => [name, urls[role as DbRole]]));
  return (fn): Record<string, string> => {
    const login = databaseLoginOf(template, fn.logicalId);
    if (login === undefined) return {};
    const url = byLogin.get(login as (typeof dbRoles)[DbRole]);
    if (url === undefined)
      throw new UnknownDatabaseLoginError(fn.logicalId, `login ${login} is not one of sql/roles.ts`);
    return { DATABASE_URL: url };
  };
}
