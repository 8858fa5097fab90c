import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import type { Check } from '../types.ts';
import {
  bodies,
  drain,
  fifoQueue,
  groupOf,
  receive,
  receiveCountOf,
  remove,
  sendFifo,
  sqsClient,
} from './sqs-helpers.ts';
import { describeError, eventually, fail, pass, rejection, sleep, withClient } from './util.ts';

/** Each check gets its own client and queues, so one emulator bug cannot cascade into the next check. */
const sqsCheck = withClient(sqsClient);

const redrive = (arn: string, maxReceiveCount = 2) => ({
  RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount }),
});

/** Sized so upstream ElasticMQ still finishes its set-up inside the check's time (its cost is groups × blocked). */
const inFlightGroups = { groups: 1000, blocked: 990, budgetMs: 100, setupMs: 30_000 };

export const sqsChecks: Check[] = [
  sqsCheck(
    'fifo-dlq-attributes',
    'FIFO queue + FIFO DLQ (maxReceiveCount=2), attributes read back',
    async (sqs, ctx) => {
      const dlq = await fifoQueue(sqs, ctx, 'attr-dlq');
      const src = await fifoQueue(sqs, ctx, 'attr', { ...redrive(dlq.arn), VisibilityTimeout: '30' });
      const got = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: src.url, AttributeNames: ['All'] }),
      );
      const a = got.Attributes ?? {};
      const problems: string[] = [];
      if (a.FifoQueue !== 'true') problems.push(`FifoQueue=${a.FifoQueue}`);
      if (a.ContentBasedDeduplication !== 'false')
        problems.push(`ContentBasedDeduplication=${a.ContentBasedDeduplication}`);
      if (a.VisibilityTimeout !== '30') problems.push(`VisibilityTimeout=${a.VisibilityTimeout}`);
      const policy = JSON.parse(a.RedrivePolicy ?? '{}') as {
        deadLetterTargetArn?: string;
        maxReceiveCount?: unknown;
      };
      if (policy.deadLetterTargetArn !== dlq.arn)
        problems.push(`deadLetterTargetArn=${policy.deadLetterTargetArn}`);
      if (Number(policy.maxReceiveCount) !== 2)
        problems.push(`maxReceiveCount=${String(policy.maxReceiveCount)}`);
      // ARNs are parsed for region/account by IAM policies and our own wiring; they must look like AWS's.
      if (!/^arn:aws:sqs:us-east-1:\d{12}:/.test(src.arn)) problems.push(`QueueArn=${src.arn}`);
      // AWS rejects a standard DLQ for a FIFO source; accepting it would let a CDK mistake pass locally.
      const standard = await sqs.send(new CreateQueueCommand({ QueueName: `${ctx.prefix}-attr-std` }));
      const std = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: standard.QueueUrl, AttributeNames: ['QueueArn'] }),
      );
      const mixed = await rejection(() =>
        fifoQueue(sqs, ctx, 'attr-mixed', redrive(std.Attributes?.QueueArn ?? '')),
      );
      if (!mixed) problems.push('accepted a standard DLQ for a FIFO queue');
      const type = typeof policy.maxReceiveCount;
      return problems.length === 0
        ? pass(`all read back; maxReceiveCount is a ${type}; standard DLQ rejected (${describeError(mixed)})`)
        : fail(problems.join('; '));
    },
  ),

  sqsCheck(
    'group-blocking',
    'In-flight message blocks the rest of its group',
    async (sqs, ctx) => {
      const q = await fifoQueue(sqs, ctx, 'block', { VisibilityTimeout: '30' });
      await sendFifo(sqs, q.url, 'A1', 'A', 'a1');
      await sendFifo(sqs, q.url, 'A2', 'A', 'a2');
      await sendFifo(sqs, q.url, 'B1', 'B', 'b1');
      const first = bodies(await receive(sqs, q.url, { max: 1 }));
      const second = bodies(await receive(sqs, q.url, { max: 10 }));
      const seen = `1st=[${first}] 2nd=[${second}]`;
      if (first[0] !== 'A1') return fail(`first receive was not A1: ${seen}`);
      if (second.includes('A2')) return fail(`A2 delivered while A1 in flight: ${seen}`);
      return pass(`${seen}; A2 held back`);
    },
    true,
  ),

  sqsCheck(
    'batch-within-group',
    'One receive may return several messages of one group, in order',
    async (sqs, ctx) => {
      // AWS does this; it is what makes Powertools' SqsFifoPartialProcessor short-circuit the rest of a group's
      // batch on failure, so an emulator that hands out one per group per receive never exercises that path.
      const q = await fifoQueue(sqs, ctx, 'multi');
      for (const n of [1, 2, 3]) await sendFifo(sqs, q.url, `A${n}`, 'A', `a${n}`);
      const got = bodies(await receive(sqs, q.url, { max: 10 }));
      const seen = `one receive returned [${got}]`;
      return got.join() === 'A1,A2,A3' ? pass(seen) : fail(seen);
    },
  ),

  sqsCheck(
    'order-after-visibility-timeout',
    'Group order kept after a visibility timeout expires',
    async (sqs, ctx) => {
      const q = await fifoQueue(sqs, ctx, 'order');
      for (const n of [1, 2, 3]) await sendFifo(sqs, q.url, `M${n}`, 'G', `m${n}`);
      const first = bodies(await receive(sqs, q.url, { max: 1, visibility: 1 }));
      await sleep(1500);
      const after = bodies(await drain(sqs, q.url));
      const seen = `before=[${first}] after expiry=[${after}]`;
      return first[0] === 'M1' && after.join() === 'M1,M2,M3' ? pass(seen) : fail(seen);
    },
  ),

  sqsCheck(
    'dedup-while-queued',
    'Same MessageDeduplicationId within 5 min, first copy still queued',
    async (sqs, ctx) => {
      const q = await fifoQueue(sqs, ctx, 'dedupq');
      const one = await sendFifo(sqs, q.url, 'first', 'G', 'd1');
      const two = await sendFifo(sqs, q.url, 'second', 'G', 'd1');
      const got = bodies(await drain(sqs, q.url));
      const ids =
        one.MessageId === two.MessageId ? 'duplicate send returned the same MessageId' : 'new MessageId';
      return got.join() === 'first' ? pass(`delivered [${got}]; ${ids}`) : fail(`delivered [${got}]`);
    },
  ),

  sqsCheck(
    'dedup-after-delete',
    'Same MessageDeduplicationId after the first copy was received and deleted',
    async (sqs, ctx) => {
      const q = await fifoQueue(sqs, ctx, 'dedupd');
      await sendFifo(sqs, q.url, 'first', 'G', 'd1');
      const [first] = await receive(sqs, q.url, { max: 1 });
      if (!first) return fail('first copy never delivered');
      await remove(sqs, q.url, first);
      await sendFifo(sqs, q.url, 'second', 'G', 'd1');
      const again = bodies(await receive(sqs, q.url, { waitSeconds: 1 }));
      return again.length === 0
        ? pass('second copy suppressed')
        : fail(`second copy delivered [${again}] — dedup forgets deleted messages`);
    },
    true,
  ),

  sqsCheck(
    'redrive-to-dlq',
    'After maxReceiveCount receives without delete the message moves to the DLQ',
    async (sqs, ctx) => {
      const dlq = await fifoQueue(sqs, ctx, 'redrive-dlq');
      const src = await fifoQueue(sqs, ctx, 'redrive', redrive(dlq.arn));
      await sendFifo(sqs, src.url, 'R1', 'G', 'r1');
      let deliveries = 0;
      for (let attempt = 0; attempt < 5; attempt++) {
        const got = await receive(sqs, src.url, { max: 1, visibility: 1 });
        if (got.length === 0) break;
        deliveries++;
        await sleep(1300);
      }
      const moved = await eventually(async () => (await receive(sqs, dlq.url, { max: 1 }))[0], 3000, 200);
      const seen = `delivered ${deliveries}x from source; DLQ ${moved ? `got ${moved.Body} group=${groupOf(moved)} receiveCount=${receiveCountOf(moved)}` : 'empty'}`;
      return deliveries === 2 && moved?.Body === 'R1' && groupOf(moved) === 'G' ? pass(seen) : fail(seen);
    },
    true,
  ),

  sqsCheck(
    'change-visibility',
    'ChangeMessageVisibility(0) re-exposes; ApproximateReceiveCount increments',
    async (sqs, ctx) => {
      const q = await fifoQueue(sqs, ctx, 'vis');
      await sendFifo(sqs, q.url, 'V1', 'G', 'v1');
      const [first] = await receive(sqs, q.url, { max: 1, visibility: 30 });
      if (!first) return fail('never delivered');
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: q.url,
          ReceiptHandle: first.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      );
      const [second] = await receive(sqs, q.url, { max: 1, waitSeconds: 1 });
      const seen = `receiveCount ${receiveCountOf(first)} → ${second ? receiveCountOf(second) : 'not re-delivered'}`;
      return receiveCountOf(first) === '1' && receiveCountOf(second) === '2' ? pass(seen) : fail(seen);
    },
  ),

  sqsCheck(
    'missing-ids-rejected',
    'No dedup id (ContentBasedDeduplication=false) or no group id → send fails',
    async (sqs, ctx) => {
      const q = await fifoQueue(sqs, ctx, 'noid', { ContentBasedDeduplication: 'false' });
      const noDedup = await rejection(() =>
        sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'x', MessageGroupId: 'G' })),
      );
      const noGroup = await rejection(() =>
        sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'y', MessageDeduplicationId: 'y' })),
      );
      const seen = `no dedup id: ${noDedup ? describeError(noDedup).split(':')[0] : 'ACCEPTED'}; no group id: ${noGroup ? describeError(noGroup).split(':')[0] : 'ACCEPTED'}`;
      return noDedup && noGroup ? pass(seen) : fail(seen);
    },
  ),

  sqsCheck('send-batch', 'SendMessageBatch with per-entry group/dedup ids (sent twice)', async (sqs, ctx) => {
    const q = await fifoQueue(sqs, ctx, 'batch');
    const entries = [
      { Id: 'a1', MessageBody: 'A1', MessageGroupId: 'A', MessageDeduplicationId: 'a1' },
      { Id: 'a2', MessageBody: 'A2', MessageGroupId: 'A', MessageDeduplicationId: 'a2' },
      { Id: 'b1', MessageBody: 'B1', MessageGroupId: 'B', MessageDeduplicationId: 'b1' },
    ];
    const first = await sqs.send(new SendMessageBatchCommand({ QueueUrl: q.url, Entries: entries }));
    const second = await sqs.send(new SendMessageBatchCommand({ QueueUrl: q.url, Entries: entries }));
    const got = await drain(sqs, q.url);
    const order = bodies(got);
    const groupsRight = got.every((m) => groupOf(m) === m.Body?.[0]);
    const seen = `ok ${first.Successful?.length ?? 0}+${second.Successful?.length ?? 0}, failed ${(first.Failed?.length ?? 0) + (second.Failed?.length ?? 0)}; delivered [${order}]; group ids ${groupsRight ? 'right' : 'WRONG'}`;
    const inOrder = order.indexOf('A1') < order.indexOf('A2');
    return order.length === 3 && inOrder && groupsRight && first.Successful?.length === 3
      ? pass(seen)
      : fail(seen);
  }),

  sqsCheck(
    'queue-counters',
    'ApproximateNumberOfMessages / NotVisible (and AgeOfOldest?)',
    async (sqs, ctx) => {
      const q = await fifoQueue(sqs, ctx, 'count');
      for (const g of ['A', 'B', 'C']) await sendFifo(sqs, q.url, g, g, g);
      await receive(sqs, q.url, { max: 1, visibility: 30 });
      const got = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: q.url, AttributeNames: ['All'] }));
      const a = got.Attributes ?? {};
      // Age of oldest message is a CloudWatch metric on AWS, not a queue attribute: we only note whether it leaks in.
      const age =
        'ApproximateAgeOfOldestMessage' in a
          ? 'has AgeOfOldest attribute (non-AWS)'
          : 'no AgeOfOldest (as AWS)';
      const seen = `visible=${a.ApproximateNumberOfMessages} notVisible=${a.ApproximateNumberOfMessagesNotVisible} delayed=${a.ApproximateNumberOfMessagesDelayed}; ${age}`;
      return a.ApproximateNumberOfMessages === '2' && a.ApproximateNumberOfMessagesNotVisible === '1'
        ? pass(seen)
        : fail(seen);
    },
  ),

  sqsCheck('long-poll', 'WaitTimeSeconds waits when empty and returns early on arrival', async (sqs, ctx) => {
    const q = await fifoQueue(sqs, ctx, 'poll');
    const t0 = Date.now();
    await receive(sqs, q.url, { waitSeconds: 1 });
    const emptyWait = Date.now() - t0;
    const latencies: number[] = [];
    for (const n of [1, 2, 3]) {
      const polling = receive(sqs, q.url, { waitSeconds: 5 }).then((m) => ({ m, at: Date.now() }));
      await sleep(300);
      // Measured from the start of the send: the poll may return before the send's own response does.
      const sentAt = Date.now();
      await sendFifo(sqs, q.url, `P${n}`, `G${n}`, `p${n}`);
      const { m, at } = await polling;
      const [message] = m;
      if (!message)
        return fail(`long poll returned empty although P${n} arrived (empty wait ${emptyWait} ms)`);
      latencies.push(Math.max(0, at - sentAt));
      await remove(sqs, q.url, message);
    }
    const worst = Math.max(...latencies);
    const seen = `empty 1 s poll waited ${emptyWait} ms; send→return ${latencies.join('/')} ms`;
    return emptyWait >= 900 && worst < 1000 ? pass(seen, worst) : fail(seen, worst);
  }),

  sqsCheck(
    'receive-past-in-flight-groups',
    `A receive skips ${inFlightGroups.blocked} groups whose heads are in flight within ${inFlightGroups.budgetMs} ms`,
    async (sqs, ctx) => {
      // After an outage the consumers hand thousands of groups back with long visibility timeouts; SQS still
      // answers a receive in milliseconds, and an emulator that scans every blocked group per message does not
      // (ElasticMQ 1.7.1 upstream: elasticmq/MessageQueue.scala's header).
      const q = await fifoQueue(sqs, ctx, 'inflight', { ContentBasedDeduplication: 'true' });
      const { groups, blocked, budgetMs } = inFlightGroups;
      for (let g = 0; g < groups; g += 100) {
        await Promise.all(
          Array.from({ length: 10 }, (_, b) =>
            sqs.send(
              new SendMessageBatchCommand({
                QueueUrl: q.url,
                Entries: Array.from({ length: 10 }, (_, k) => {
                  const n = g + b * 10 + k;
                  return { Id: `e${k}`, MessageBody: `m${n}`, MessageGroupId: `g${n}` };
                }),
              }),
            ),
          ),
        );
      }
      // Bounded, so a slow emulator still gets its receive measured with as many groups blocked as it reached.
      const deadline = Date.now() + inFlightGroups.setupMs;
      let inFlight = 0;
      while (inFlight < blocked && Date.now() < deadline)
        inFlight += (await receive(sqs, q.url, { max: Math.min(10, blocked - inFlight), visibility: 300 }))
          .length;
      const times: number[] = [];
      let rest = 0;
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        rest += (await receive(sqs, q.url, { max: 10, visibility: 300 })).length;
        times.push(performance.now() - started);
      }
      const median = Math.round(times.sort((a, b) => a - b)[2] ?? Number.NaN);
      const setup =
        inFlight < blocked ? ` (set-up reached only ${inFlight} in ${inFlightGroups.setupMs / 1000} s)` : '';
      const seen = `${inFlight} of ${groups} groups in flight${setup}; 5 receives returned ${rest} of the other ${groups - inFlight}; median receive ${median} ms`;
      return inFlight === blocked && rest === groups - inFlight && median <= budgetMs
        ? pass(seen, median)
        : fail(seen, median);
    },
    true,
  ),

  sqsCheck(
    'message-move-task',
    'StartMessageMoveTask redrives DLQ messages back to their source',
    async (sqs, ctx) => {
      // The operator path: a message reaches the DLQ by real redrive, then "redrive to source" (no DestinationArn).
      const dlq = await fifoQueue(sqs, ctx, 'move-dlq');
      const src = await fifoQueue(sqs, ctx, 'move', redrive(dlq.arn, 1));
      await sendFifo(sqs, src.url, 'D1', 'G', 'd1');
      await receive(sqs, src.url, { max: 1, visibility: 1 });
      await sleep(1300);
      await receive(sqs, src.url, { max: 1 }); // second receive > maxReceiveCount=1: moves it
      const inDlq = await eventually(async () => {
        const got = await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: dlq.url,
            AttributeNames: ['ApproximateNumberOfMessages'],
          }),
        );
        return got.Attributes?.ApproximateNumberOfMessages === '1' ? true : undefined;
      }, 3000);
      if (!inDlq) return fail('setup: message never reached the DLQ');
      const task = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn }));
      const back = await eventually(async () => (await receive(sqs, src.url, { max: 1 }))[0], 5000, 250);
      const listed = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlq.arn }));
      const t = listed.Results?.find((r) => r.TaskHandle === task.TaskHandle) ?? listed.Results?.[0];
      const status = t ? `${t.Status}, moved ${t.ApproximateNumberOfMessagesMoved}` : 'not listed';
      const seen = `task ${status}; source ${back ? `got ${back.Body} group=${groupOf(back)}` : 'got nothing in 5 s'}`;
      return back?.Body === 'D1' ? pass(seen) : fail(seen);
    },
  ),
];
