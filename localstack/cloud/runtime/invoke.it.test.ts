import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, logicalIdOf, startFixture } from '../../test/fixtures/harness.ts';
import { invokeFixture, slowInitFixture } from '../../test/fixtures/runtime-stacks.ts';
import { eventually, isAlive } from '../../test/fixtures/wait.ts';
import { UnknownFunctionError } from './errors.ts';
import type { InvokeResult } from './invoke-result.ts';
import { nodeMajorOf } from './lambda-node.ts';

const template = invokeFixture();
const ids = {
  echo: logicalIdOf(template, 'AWS::Lambda::Function', 'Echo'),
  rejecter: logicalIdOf(template, 'AWS::Lambda::Function', 'Rejecter'),
  sleepy: logicalIdOf(template, 'AWS::Lambda::Function', 'Sleepy'),
  monitor: logicalIdOf(template, 'AWS::Events::Rule', 'Monitor'),
  inbox: logicalIdOf(template, 'AWS::SQS::Queue', 'Inbox'),
};

function payload<T>(result: InvokeResult): T {
  if (!result.ok) throw new Error(`invocation failed: ${result.error.errorMessage}`);
  return result.payload as T;
}

describe('direct invocation', () => {
  let fixture: Fixture;

  beforeAll(async () => {
    fixture = await startFixture(template, 'InvokeRt', { scheduleOverrides: { [ids.monitor]: 300 } });
  });

  afterAll(async () => {
    await fixture?.close();
  });

  it('runs the template entry with a Lambda context and the resolved environment, overlaid by localEnv', async () => {
    const first = await fixture.runtime.invoke(ids.echo, { hello: 'world' });
    const second = await fixture.runtime.invoke(fixture.provisioned.resources[ids.echo]?.ref ?? '', {});

    const echo = payload<{
      event: unknown;
      pid: number;
      context: Record<string, unknown>;
      env: Record<string, string>;
    }>(first);
    expect(first.coldStart).toBe(true);
    expect(second.coldStart).toBe(false);
    expect(payload<{ pid: number }>(second).pid).toBe(echo.pid);
    expect(echo.event).toEqual({ hello: 'world' });
    const name = fixture.provisioned.resources[ids.echo]?.ref;
    expect(echo.context).toMatchObject({
      awsRequestId: first.requestId,
      functionName: name,
      functionVersion: '$LATEST',
      invokedFunctionArn: fixture.provisioned.resources[ids.echo]?.attrs.Arn,
      memoryLimitInMB: '256',
      logGroupName: `/aws/lambda/${name}`,
    });
    expect(echo.context.remainingTimeInMillis).toBeGreaterThan(9000);
    expect(echo.context.remainingTimeInMillis).toBeLessThanOrEqual(10_000);
    expect(echo.env).toMatchObject({
      QUEUE_URL: fixture.provisioned.resources[ids.inbox]?.ref,
      LOCAL_OVERRIDE: 'from-template',
      AWS_LAMBDA_FUNCTION_NAME: name,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      AWS_REGION: 'us-east-1',
    });
  });

  it("runs the worker on the Node major the function's Runtime names, whatever Node runs the tests", async () => {
    const runtime = String(template.Resources?.[ids.echo]?.Properties?.Runtime);

    const echo = payload<{ nodeVersion: string; env: Record<string, string> }>(
      await fixture.runtime.invoke(ids.echo, {}),
    );

    expect(runtime).toBe('nodejs22.x');
    expect(echo.nodeVersion).toMatch(new RegExp(`^v${nodeMajorOf(runtime)}\\.`));
    expect(echo.env.AWS_EXECUTION_ENV).toBe(`AWS_Lambda_${runtime}`);
  });

  it('reports a thrown error as a handled function error with its type, keeping the process', async () => {
    const result = await fixture.runtime.invoke(ids.rejecter, {});
    expect(result).toMatchObject({
      ok: false,
      functionError: 'Unhandled',
      failure: 'handled',
      error: { errorType: 'OrderRejectedError', errorMessage: 'total must not be negative' },
    });
    expect(fixture.runtime.stats().functions[ids.rejecter]).toMatchObject({ errors: 1, crashes: 0 });
  });

  it('kills the worker when an invocation exceeds Timeout, and cold-starts a new one for the next', async () => {
    const warm = payload<{ pid: number }>(await fixture.runtime.invoke(ids.sleepy, { sleepMs: 0 }));

    const started = Date.now();
    const timedOut = await fixture.runtime.invoke(ids.sleepy, { sleepMs: 5000 });

    expect(Date.now() - started).toBeLessThan(3000);
    expect(timedOut).toMatchObject({
      ok: false,
      failure: 'timeout',
      error: {
        errorType: 'Sandbox.Timedout',
        errorMessage: expect.stringMatching(/Task timed out after 1\.00 seconds/),
      },
    });
    expect(isAlive(warm.pid)).toBe(false);
    const next = await fixture.runtime.invoke(ids.sleepy, { sleepMs: 0 });
    expect(next.coldStart).toBe(true);
    expect(payload<{ pid: number }>(next).pid).not.toBe(warm.pid);
    expect(fixture.runtime.stats().functions[ids.sleepy]).toMatchObject({
      timeouts: 1,
      errors: 1,
      coldStarts: 2,
    });
  });

  it('fires a rate() rule at the caller-given local interval, not the template rate', async () => {
    const stats = await eventually('the monitor schedule to fire twice', () => {
      const s = Object.values(fixture.runtime.stats().schedules)[0];
      return s && s.fired >= 2 ? s : undefined;
    });
    expect(stats).toMatchObject({
      expression: 'rate(1 minute)',
      intervalMs: 300,
      overridden: true,
      errors: 0,
    });
  });

  it('rejects an unknown function', async () => {
    await expect(fixture.runtime.invoke('NoSuchFunction', {})).rejects.toThrow(UnknownFunctionError);
  });

  it('leaves no worker process behind after stop', async () => {
    const pids = fixture.runtime.workerPids();
    expect(pids.length).toBeGreaterThan(0);
    await fixture.runtime.stop();
    expect(pids.filter(isAlive)).toEqual([]);
    expect(fixture.runtime.workerPids()).toEqual([]);
  });
});

describe('an init past the init limit', () => {
  const slow = slowInitFixture();
  const fits = logicalIdOf(slow, 'AWS::Lambda::Function', 'FitsTimeout');
  const past = logicalIdOf(slow, 'AWS::Lambda::Function', 'PastTimeout');
  let fixture: Fixture;

  beforeAll(async () => {
    fixture = await startFixture(slow, 'SlowInitRt', { initTimeoutMs: 1000 });
  });

  afterAll(async () => {
    await fixture?.close();
  });

  it('is retried at the invocation, and the retry counts against the function timeout', async () => {
    const result = await fixture.runtime.invoke(fits, {});

    const answer = payload<{ remainingTimeInMillis: number }>(result);
    expect(result.coldStart).toBe(true);
    // The retried init (1.5 s) came out of the 5 s timeout.
    expect(answer.remainingTimeInMillis).toBeLessThanOrEqual(3500);
    expect(answer.remainingTimeInMillis).toBeGreaterThan(0);
  });

  it('times the invocation out when the retried init does not fit the function timeout', async () => {
    const result = await fixture.runtime.invoke(past, {});

    expect(result).toMatchObject({
      ok: false,
      failure: 'timeout',
      error: {
        errorType: 'Sandbox.Timedout',
        errorMessage: expect.stringMatching(/Task timed out after 1\.00 seconds/),
      },
    });
  });
});
