import { describe, expect, it } from 'vitest';
import { SqlError } from './db/sql-client.ts';
import { describeFailure, isConnectionFailure, isDependencyUnavailable } from './dependency-failure.ts';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isDependencyUnavailable', () => {
  it.each([
    [
      'connection refused (the database restarting)',
      withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
    ],
    ['connection reset', withCode('read ECONNRESET', 'ECONNRESET')],
    ['DNS not answering', withCode('getaddrinfo EAI_AGAIN db', 'EAI_AGAIN')],
    [
      'a fetch timeout',
      Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }),
    ],
    [
      'undici failing to connect',
      new TypeError('fetch failed', { cause: withCode('x', 'UND_ERR_CONNECT_TIMEOUT') }),
    ],
    [
      'Postgres shutting down (57P01)',
      new SqlError('terminating connection due to administrator command', '57P01', undefined),
    ],
    ['Postgres starting up (57P03)', new SqlError('the database system is starting up', '57P03', undefined)],
    ['too many connections (53300)', new SqlError('too many clients', '53300', undefined)],
    ['a connection exception (08006)', new SqlError('connection failure', '08006', undefined)],
    ['node-postgres losing its socket', new Error('Connection terminated unexpectedly')],
    ['a client-side query timeout', new Error('Query read timeout')],
    ['a pool connect timeout', new Error('timeout exceeded when trying to connect')],
    [
      'DynamoDB throttling',
      Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' }),
    ],
    [
      'an AWS 503',
      Object.assign(new Error('Service Unavailable'), {
        name: 'Unknown',
        $metadata: { httpStatusCode: 503 },
      }),
    ],
    [
      'an AWS 429',
      Object.assign(new Error('Too Many Requests'), { name: 'Unknown', $metadata: { httpStatusCode: 429 } }),
    ],
    ['an error we know to be one', Object.assign(new Error('gateway 503'), { dependencyUnavailable: true })],
  ])('takes %s as a dependency outage', (_, error) => {
    expect(isDependencyUnavailable(error)).toBe(true);
  });

  it('finds the outage deep in a cause chain and inside an AggregateError', () => {
    const deep = new Error('send failed', {
      cause: new Error('wrapped', { cause: withCode('x', 'ECONNREFUSED') }),
    });
    expect(isDependencyUnavailable(deep)).toBe(true);
    expect(isDependencyUnavailable(new AggregateError([new Error('no'), withCode('x', 'ETIMEDOUT')]))).toBe(
      true,
    );
  });

  it.each([
    ['a unique violation', new SqlError('duplicate key', '23505', 'orders_pkey')],
    ['a syntax error', new SqlError('syntax error', '42601', undefined)],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    [
      'an AWS validation error',
      Object.assign(new Error('bad'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } }),
    ],
    ['a thrown string', 'boom'],
  ])('does not take %s for an outage', (_, error) => {
    expect(isDependencyUnavailable(error)).toBe(false);
  });
});

describe('isConnectionFailure', () => {
  it('tells a failure to reach the dependency from an answer that says no', () => {
    expect(isConnectionFailure(new Error('gateway', { cause: withCode('x', 'ECONNREFUSED') }))).toBe(true);
    expect(
      isConnectionFailure(new SqlError('the database system is shutting down', '57P03', undefined)),
    ).toBe(true);
    expect(isConnectionFailure(Object.assign(new Error('t'), { name: 'TimeoutError' }))).toBe(true);
    expect(isConnectionFailure(Object.assign(new Error('503'), { dependencyUnavailable: true }))).toBe(false);
    expect(
      isConnectionFailure(Object.assign(new Error('x'), { name: 'X', $metadata: { httpStatusCode: 503 } })),
    ).toBe(false);
  });
});

describe('describeFailure', () => {
  it('names the chain down to the socket error', () => {
    const error = new Error('payment gateway unavailable', {
      cause: withCode('connect ECONNREFUSED', 'ECONNREFUSED'),
    });
    expect(describeFailure(error)).toBe('payment gateway unavailable: connect ECONNREFUSED [ECONNREFUSED]');
  });
});
