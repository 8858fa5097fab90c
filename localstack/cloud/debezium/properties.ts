import { environmentName } from '../../../cdk/lib/debezium-config.ts';
import { DebeziumTemplateError } from './errors.ts';
import type { DebeziumTaskContainer } from './task-container.ts';

/*
 * How the local server gets its configuration: as ENVIRONMENT, the container environment of the task
 * definition verbatim, exactly as Fargate passes it, with a few variables replaced. Not as an
 * application.properties file, because:
 *  - Turning names back into properties is lossy (`_` and `.` both become `_`), so a file we write could differ
 *    from what the server reads in Fargate. Given the same variables, Debezium Server does the same mapping
 *    in both places.
 *  - A file cannot override the environment. Quarkus ranks environment variables (ordinal 300) above
 *    `config/application.properties` (260), and Debezium Server 3.6 collects every configuration name, so
 *    `DEBEZIUM_SOURCE_DATABASE_HOSTNAME` and `debezium.source.database.hostname` would both reach the engine
 *    in unspecified order. Replacing the variable itself is the only override with one meaning.
 * The server gets no `config/application.properties` at all: its working directory is its own.
 */

/** What is genuinely local. Everything else comes from the template. */
export interface LocalSettings {
  /** `postgres://` URL of the CDC role. Supplies host, port, user and password; its database must be the template's. */
  databaseUrl: string;
  /** Kinesis endpoint (`AWS_ENDPOINT_URL`). The template has none because in AWS the SDK finds the regional one. */
  awsEndpoint: string;
  /** Region the local streams were provisioned in. */
  region: string;
  /** `quarkus.http.port`. Fargate uses 8080; locally each connector needs a free port of its own. */
  httpPort: number;
}

export interface LocalDebeziumConfig {
  /** Container environment after the local overrides: pass it to the Java process as its environment. */
  environment: Record<string, string>;
  /** JVM flags: the task's `JAVA_OPTS` (run.sh puts them on the command line), then the local heap limits. */
  javaOptions: string[];
  /** Variables replaced or added, password values masked: for the log and the tests. */
  overridden: Record<string, string>;
  /** The dotted properties Debezium Server derives from `environment` (see `asDebeziumServerReadsIt`). */
  properties: Record<string, string>;
}

const env = {
  host: environmentName('debezium.source.database.hostname'),
  port: environmentName('debezium.source.database.port'),
  dbname: environmentName('debezium.source.database.dbname'),
  sslmode: environmentName('debezium.source.database.sslmode'),
  sslrootcert: environmentName('debezium.source.database.sslrootcert'),
  offsetUrl: environmentName('debezium.source.offset.storage.jdbc.connection.url'),
  region: environmentName('debezium.sink.kinesis.region'),
  endpoint: environmentName('debezium.sink.kinesis.endpoint'),
  httpPort: environmentName('quarkus.http.port'),
};

/**
 * Fargate's task has 1 GiB and `-XX:MaxRAMPercentage=70`. Here that percentage would be of the whole machine,
 * so cap the heap (a later -Xmx wins over the percentage). SerialGC: fewer GC threads on a 2-core box.
 */
export const LOCAL_JAVA_OPTIONS = ['-Xms64m', '-Xmx512m', '-XX:+UseSerialGC'];

/** Applies the local overrides to a task container's environment. Pure. */
export function localDebeziumConfig(
  container: DebeziumTaskContainer,
  local: LocalSettings,
): LocalDebeziumConfig {
  const fail = (reason: string): never => {
    throw new DebeziumTemplateError(container.connector, reason);
  };
  const db = new URL(local.databaseUrl);
  const database = decodeURIComponent(db.pathname.replace(/^\//, ''));
  const { environment: template } = container;
  if (template[env.dbname] !== database)
    fail(`the template reads database "${template[env.dbname]}" but the local URL names "${database}"`);
  const credentials: Record<string, string> = {
    username: decodeURIComponent(db.username),
    password: decodeURIComponent(db.password),
  };

  // Replacements must hit variables the template has: a renamed property would otherwise keep its AWS value.
  const replaced: Record<string, string> = {
    [env.host]: db.hostname,
    [env.port]: db.port || '5432',
    // RDS forces TLS; the local server has no certificate.
    [env.sslmode]: 'disable',
    [env.offsetUrl]: localJdbcUrl(template[env.offsetUrl] ?? fail(`${env.offsetUrl} is missing`), db, fail),
    [env.region]: local.region,
  };
  for (const name of Object.keys(replaced)) if (!(name in template)) fail(`${name} is missing`);
  const added: Record<string, string> = {
    [env.endpoint]: local.awsEndpoint,
    [env.httpPort]: String(local.httpPort),
  };
  for (const name of Object.keys(added))
    if (name in template) fail(`${name} is set by the template; the local override would hide it`);
  // What ECS injects from Secrets Manager, the local cloud takes from the CDC URL.
  const secrets = Object.fromEntries(
    Object.entries(container.secrets).map(([name, field]) => [
      name,
      credentials[field] ?? fail(`secret ${name} reads field "${field}"; only username/password are known`),
    ]),
  );

  const javaOptions = [...(template.JAVA_OPTS ?? '').split(/\s+/).filter(Boolean), ...LOCAL_JAVA_OPTIONS];
  // The RDS CA bundle exists only in the Fargate image; with TLS off locally it has nothing to verify.
  const { [env.sslrootcert]: _rdsCa, ...fromTemplate } = template;
  const environment: Record<string, string> = {
    ...fromTemplate,
    ...replaced,
    ...added,
    ...secrets,
    JAVA_OPTS: javaOptions.join(' '),
  };
  const overridden = Object.fromEntries(
    [
      ...Object.keys(replaced),
      ...Object.keys(added),
      ...Object.keys(secrets),
      ...(env.sslrootcert in template ? [env.sslrootcert] : []),
      'JAVA_OPTS',
    ].map((name) => [name, /PASSWORD/.test(name) ? '***' : (environment[name] ?? '')]),
  );
  return { environment, javaOptions, overridden, properties: asDebeziumServerReadsIt(environment) };
}

/**
 * `jdbc:postgresql://<host>:<port>/<db>?<params>` with the local host and port, `sslmode=disable` and no
 * `sslrootcert`; the
 * other parameters (`currentSchema=cdc`) stay. Regex, not `URL`: the unprovisioned database's synthetic port
 * is not a number.
 */
function localJdbcUrl(templateUrl: string, db: URL, fail: (reason: string) => never): string {
  const match = /^jdbc:postgresql:\/\/[^/]*\/([^?]*)(?:\?(.*))?$/.exec(templateUrl);
  if (!match) return fail(`offset store URL "${templateUrl}" is not jdbc:postgresql://host:port/db`);
  const params = new URLSearchParams(match[2] ?? '');
  params.set('sslmode', 'disable');
  params.delete('sslrootcert');
  return `jdbc:postgresql://${db.hostname}:${db.port || '5432'}/${match[1]}?${params.toString()}`;
}

// Debezium Server 3.6.0 `DebeziumServer.configToProperties` (read from its bytecode): a name matching this
// pattern is an environment variable; every `_` becomes `.` and the name is lowercased.
const SHELL_PROPERTY_NAME = /^[a-zA-Z0-9_]+_+[a-zA-Z0-9_]+$/;

/**
 * The `debezium.*` and `quarkus.*` properties Debezium Server 3.6 makes of an environment. Used to show and
 * test what the server will run; the server itself reads the environment.
 */
export function asDebeziumServerReadsIt(environment: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment)
      .filter(([name]) => SHELL_PROPERTY_NAME.test(name))
      .map(([name, value]) => [name.replace(/_/g, '.').toLowerCase(), value] as const)
      .filter(([property]) => /^(debezium|quarkus)\./.test(property)),
  );
}
