import { type MariaDbLogin, mariaDbQuery } from './client.ts';
import { CaptureNotReadyError } from './errors.ts';

/** Server variables binlog capture depends on, and the value each must have. */
export const REQUIRED_VARIABLES: Readonly<Record<string, string>> = {
  log_bin: 'ON',
  binlog_format: 'ROW',
  binlog_row_image: 'FULL',
};

/**
 * Global privileges the connector's user needs, each with the names MariaDB may show it under: since 10.5
 * `SHOW GRANTS` prints REPLICATION CLIENT as BINLOG MONITOR.
 */
export const REQUIRED_PRIVILEGES: Readonly<Record<string, readonly string[]>> = {
  'REPLICATION CLIENT': ['REPLICATION CLIENT', 'BINLOG MONITOR'],
  'REPLICATION SLAVE': ['REPLICATION SLAVE', 'REPLICATION REPLICA'],
  RELOAD: ['RELOAD'],
};

/**
 * What is missing, one line per setting, naming it. Pure: `variables` from `SHOW GLOBAL VARIABLES`, `grants`
 * the lines of `SHOW GRANTS` for the connector's user. `server_id` must be set and non-zero for a binlog client.
 */
export function missingForCapture(
  variables: Readonly<Record<string, string>>,
  grants: readonly string[],
): string[] {
  const missing: string[] = [];
  for (const [name, wanted] of Object.entries(REQUIRED_VARIABLES)) {
    const actual = variables[name];
    if (actual?.toUpperCase() !== wanted) missing.push(`${name} is ${actual ?? 'unset'}, needs ${wanted}`);
  }
  if (!variables.server_id || variables.server_id === '0')
    missing.push('server_id is 0, needs a non-zero id');
  const global = grants
    .filter((g) => / ON \*\.\* TO /i.test(g))
    .map((g) => g.toUpperCase())
    .join(' ');
  if (!global.includes('ALL PRIVILEGES'))
    for (const [privilege, names] of Object.entries(REQUIRED_PRIVILEGES))
      if (!names.some((name) => global.includes(name))) missing.push(`the user lacks ${privilege} ON *.*`);
  return missing;
}

/**
 * Checks, as the connector's own user, that the server writes a row-based binlog with full images and that the
 * user may read it; throws CaptureNotReadyError naming every missing setting. Run before Debezium starts: the
 * connector would otherwise start, log a warning at best, and stream nothing.
 */
export async function assertReadyForCapture(cdc: MariaDbLogin): Promise<void> {
  const names = [...Object.keys(REQUIRED_VARIABLES), 'server_id'].map((n) => `'${n}'`).join(',');
  const rows = await mariaDbQuery(cdc, `SHOW GLOBAL VARIABLES WHERE Variable_name IN (${names})`);
  const variables = Object.fromEntries(rows.map(([name = '', value = '']) => [name, value]));
  const grants = (await mariaDbQuery(cdc, 'SHOW GRANTS')).map((fields) => fields.join('\t'));
  const missing = missingForCapture(variables, grants);
  if (missing.length > 0) throw new CaptureNotReadyError(cdc.user, missing);
}
