import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import pg from 'pg';
import { toPositional } from '../../../lambdas/shared/db/named-params.ts';
import { closeNow, listen } from '../../lib/http.ts';

/**
 * TEST DOUBLE of the Aurora Data API (restJson1: POST /Execute, /BeginTransaction, /CommitTransaction,
 * /RollbackTransaction) over a real Postgres, so the `@aws-sdk/client-rds-data` driver is exercised with the
 * real SDK and real SQL locally. It maps values the way the Data API documents (json and numeric as strings,
 * int8 as longValue, timestamps as "YYYY-MM-DD HH:MM:SS.fff" UTC); it does not check ARNs or secrets.
 */
export interface DataApiDouble {
  url: string;
  close(): Promise<void>;
}

interface Field {
  isNull?: boolean;
  booleanValue?: boolean;
  longValue?: number;
  doubleValue?: number;
  stringValue?: string;
}

const { builtins } = pg.types;
const typeNames = new Map<number, string>([
  [builtins.BOOL, 'bool'],
  [builtins.INT2, 'int2'],
  [builtins.INT4, 'int4'],
  [builtins.INT8, 'int8'],
  [builtins.FLOAT4, 'float4'],
  [builtins.FLOAT8, 'float8'],
  [builtins.NUMERIC, 'numeric'],
  [builtins.JSON, 'json'],
  [builtins.JSONB, 'jsonb'],
  [builtins.TIMESTAMPTZ, 'timestamptz'],
  [builtins.TIMESTAMP, 'timestamp'],
  [builtins.UUID, 'uuid'],
  [builtins.TEXT, 'text'],
  [builtins.VARCHAR, 'varchar'],
  [builtins.BPCHAR, 'bpchar'],
]);

// Raw text from the server, converted per type like the Data API does.
const rawTypes = { getTypeParser: () => (value: string) => value };

function toField(value: string | null, typeName: string): Field {
  if (value === null) return { isNull: true };
  switch (typeName) {
    case 'bool':
      return { booleanValue: value === 't' };
    case 'int2':
    case 'int4':
    case 'int8':
      return { longValue: Number(value) };
    case 'float4':
    case 'float8':
      return { doubleValue: Number(value) };
    case 'timestamptz':
    case 'timestamp':
      return {
        stringValue: new Date(typeName === 'timestamp' ? `${value}Z` : value)
          .toISOString()
          .replace('T', ' ')
          .replace('Z', ''),
      };
    default:
      return { stringValue: value };
  }
}

function fromField(field: Field | undefined): unknown {
  if (!field || field.isNull) return null;
  return field.booleanValue ?? field.longValue ?? field.doubleValue ?? field.stringValue ?? null;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
}

export async function startDataApiDouble(databaseUrl: string, port = 0): Promise<DataApiDouble> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  const transactions = new Map<string, pg.PoolClient>();

  async function execute(body: Record<string, unknown>) {
    const params = Object.fromEntries(
      ((body.parameters as { name: string; value: Field }[] | undefined) ?? []).map((p) => [
        p.name,
        fromField(p.value),
      ]),
    ) as Record<string, string | number | boolean | null>;
    const { text, values } = toPositional(String(body.sql), params);
    const txId = body.transactionId as string | undefined;
    const client = txId ? transactions.get(txId) : pool;
    if (!client) throw Object.assign(new Error(`Transaction ${txId} is not found`), { status: 400 });
    const result = await client.query({ text, values, types: rawTypes });
    const fields = result.fields.map((f) => ({
      name: f.name,
      label: f.name,
      typeName: typeNames.get(f.dataTypeID) ?? 'unknown',
    }));
    return {
      numberOfRecordsUpdated: result.command === 'SELECT' ? 0 : (result.rowCount ?? 0),
      records: (result.rows as Record<string, string | null>[]).map((row) =>
        fields.map((f) => toField(row[f.name] ?? null, f.typeName)),
      ),
      ...(body.includeResultMetadata ? { columnMetadata: fields } : {}),
    };
  }

  const operations: Record<string, (body: Record<string, unknown>) => Promise<unknown>> = {
    '/Execute': execute,
    '/BeginTransaction': async () => {
      const client = await pool.connect();
      await client.query('BEGIN');
      const transactionId = randomUUID();
      transactions.set(transactionId, client);
      return { transactionId };
    },
    '/CommitTransaction': async (body) =>
      finish(String(body.transactionId), 'COMMIT', 'Transaction Committed'),
    '/RollbackTransaction': async (body) =>
      finish(String(body.transactionId), 'ROLLBACK', 'Rollback Complete'),
  };

  async function finish(transactionId: string, statement: string, status: string) {
    const client = transactions.get(transactionId);
    if (!client) throw Object.assign(new Error(`Transaction ${transactionId} is not found`), { status: 400 });
    transactions.delete(transactionId);
    try {
      await client.query(statement);
    } finally {
      client.release();
    }
    return { transactionStatus: status };
  }

  const server: Server = createServer(async (req, res) => {
    const operation = operations[req.url ?? ''];
    try {
      if (!operation) throw Object.assign(new Error(`unknown operation ${req.url}`), { status: 404 });
      const body = await operation(await readJson(req));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    } catch (error) {
      const e = error as { message: string; code?: string; status?: number };
      // Shape of the real service's database errors: BadRequestException carrying the server text and SQLSTATE.
      const message = e.code ? `ERROR: ${e.message}; SQLState: ${e.code}` : e.message;
      res
        .writeHead(e.status ?? 400, {
          'content-type': 'application/json',
          'x-amzn-errortype': 'BadRequestException',
        })
        .end(JSON.stringify({ message }));
    }
  });
  const url = await listen(server, port);
  return {
    url,
    close: async () => {
      for (const client of transactions.values()) client.release(true);
      await closeNow(server);
      await pool.end();
    },
  };
}
