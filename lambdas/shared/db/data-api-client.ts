import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  type Field,
  RDSDataClient,
  RollbackTransactionCommand,
  type SqlParameter,
} from '@aws-sdk/client-rds-data';
import { boundedAwsClient } from '../aws-client.ts';
import { type Row, type SqlClient, SqlError, type SqlExecutor, type SqlParams } from './sql-client.ts';

export interface DataApiConfig {
  resourceArn: string;
  secretArn: string;
  database: string;
  client?: RDSDataClient;
}

function toParameters(params: SqlParams = {}): SqlParameter[] {
  return Object.entries(params).map(([name, value]): SqlParameter => {
    if (value === null) return { name, value: { isNull: true } };
    if (typeof value === 'boolean') return { name, value: { booleanValue: value } };
    if (typeof value === 'number')
      return Number.isInteger(value)
        ? { name, value: { longValue: value } }
        : { name, value: { doubleValue: value } };
    return { name, value: { stringValue: value } };
  });
}

function fromField(field: Field, typeName: string | undefined): unknown {
  if (field.isNull) return null;
  if (field.booleanValue !== undefined) return field.booleanValue;
  if (field.longValue !== undefined) return field.longValue;
  if (field.doubleValue !== undefined) return field.doubleValue;
  if (field.stringValue !== undefined) {
    // The Data API returns json/jsonb as text and numeric as text; make rows look like pg's.
    if (typeName === 'json' || typeName === 'jsonb') return JSON.parse(field.stringValue);
    if (typeName === 'timestamptz' || typeName === 'timestamp') return new Date(`${field.stringValue}Z`);
    return field.stringValue;
  }
  return undefined;
}

function wrap(error: unknown): SqlError {
  const e = error as { message?: string };
  // The Data API reports database errors as BadRequestException with the server's text; keep the SQLSTATE if quoted.
  const code = /SQLState: (\w{5})/.exec(e.message ?? '')?.[1];
  const constraint = /constraint "([^"]+)"/.exec(e.message ?? '')?.[1];
  return new SqlError(e.message ?? 'statement failed', code, constraint, { cause: error });
}

/** Aurora Data API driver (HTTPS, no connection pool to manage). */
export function createDataApiClient(config: DataApiConfig): SqlClient {
  const client = config.client ?? new RDSDataClient(boundedAwsClient);
  const base = { resourceArn: config.resourceArn, secretArn: config.secretArn, database: config.database };

  const executorIn = (transactionId?: string): SqlExecutor => ({
    async query<T = Row>(sql: string, params?: SqlParams): Promise<T[]> {
      try {
        const out = await client.send(
          new ExecuteStatementCommand({
            ...base,
            sql,
            parameters: toParameters(params),
            includeResultMetadata: true,
            ...(transactionId ? { transactionId } : {}),
          }),
        );
        const columns = out.columnMetadata ?? [];
        return (out.records ?? []).map((record) => {
          const row: Row = {};
          record.forEach((field, i) => {
            const column = columns[i];
            row[column?.label ?? column?.name ?? String(i)] = fromField(field, column?.typeName);
          });
          return row as T;
        });
      } catch (error) {
        throw wrap(error);
      }
    },
  });

  return {
    ...executorIn(),
    async transaction(work) {
      const { transactionId } = await client.send(new BeginTransactionCommand(base));
      try {
        const result = await work(executorIn(transactionId));
        await client.send(
          new CommitTransactionCommand({
            resourceArn: base.resourceArn,
            secretArn: base.secretArn,
            transactionId,
          }),
        );
        return result;
      } catch (error) {
        await client
          .send(
            new RollbackTransactionCommand({
              resourceArn: base.resourceArn,
              secretArn: base.secretArn,
              transactionId,
            }),
          )
          .catch(() => {});
        throw error;
      }
    },
    close: async () => client.destroy(),
  };
}
