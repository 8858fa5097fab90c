import { SQSClient } from '@aws-sdk/client-sqs';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { awsClientConfig } from '../../lambdas/shared/aws-access.ts';
import { type DlqMessage, peek, queueDepth, replay } from './dlq.ts';
import {
  consumerNames,
  defaultStackName,
  loadOutputs,
  outputsSource,
  pairFromOutputs,
  resolveQueue,
} from './queues.ts';

// `npm run dlq -- list | show <queue> | replay <queue>`: see docs/runbooks/dlq.md.
const program = new Command('dlq')
  .description('Inspect and replay the consumers’ dead-letter queues (local cloud or AWS)')
  .option('--stack <name>', 'CloudFormation stack whose outputs name the queues (AWS only)', defaultStackName)
  .option(
    '--endpoint <url>',
    'an emulator or LocalStack endpoint (default: a running local cloud, else AWS)',
  );

function context() {
  const options = program.opts<{ stack: string; endpoint?: string }>();
  const source = outputsSource(options.stack, options.endpoint);
  const sqs = new SQSClient(awsClientConfig(source.aws));
  let outputs: Promise<Record<string, string>> | undefined;
  return {
    sqs,
    where: source.kind === 'local' ? `local cloud ${source.aws.endpoint}` : `AWS stack ${source.stackName}`,
    outputs: () => {
      outputs ??= loadOutputs(source);
      return outputs;
    },
  };
}

program
  .command('list')
  .description('depth of each consumer DLQ and of its source queue')
  .action(async () => {
    const { sqs, where, outputs } = context();
    console.log(`DLQs in ${where}`);
    const rows = [];
    for (const consumer of consumerNames) {
      const pair = pairFromOutputs(consumer, await outputs());
      const dlq = await queueDepth(sqs, pair.dlqUrl);
      const source = await queueDepth(sqs, pair.sourceUrl!);
      rows.push({
        consumer,
        'dlq messages': dlq.visible + dlq.inFlight,
        'source visible': source.visible,
        'source in flight': source.inFlight,
        dlq: pair.dlqUrl,
      });
    }
    console.table(rows);
  });

program
  .command('show')
  .description('print DLQ messages with their holdline.* reason attributes (nothing is removed)')
  .argument('<queue>', `${consumerNames.join(' | ')} or a DLQ URL`)
  .option('--max <n>', 'most messages to print', (v) => Number.parseInt(v, 10), 50)
  .option('--json', 'one JSON object per line')
  .action(async (queue: string, opts: { max: number; json?: boolean }) => {
    const { sqs, outputs } = context();
    const pair = await resolveQueue(queue, outputs);
    const messages = await peek(sqs, pair.dlqUrl, opts.max);
    if (opts.json) for (const m of messages) console.log(JSON.stringify(m));
    else {
      console.log(`${messages.length} message(s) in ${pair.dlqUrl}`);
      for (const m of messages) console.log(format(m));
    }
  });

program
  .command('replay')
  .description('move DLQ messages back to their source queue (send, then delete; consumers are idempotent)')
  .argument('<queue>', `${consumerNames.join(' | ')} or a DLQ URL`)
  .option(
    '--to <url>',
    'source queue URL (default: the consumer’s queue, or each message’s holdline.sourceQueue)',
  )
  .option('--max <n>', 'move at most this many', (v) => Number.parseInt(v, 10))
  .action(async (queue: string, opts: { to?: string; max?: number }) => {
    const { sqs, outputs } = context();
    const pair = await resolveQueue(queue, outputs, opts.to);
    const depth = await queueDepth(sqs, pair.dlqUrl);
    const total = Math.min(depth.visible, opts.max ?? Number.POSITIVE_INFINITY);
    const bar = new SingleBar({ format: 'replay [{bar}] {value}/{total} {group}', noTTYOutput: false });
    if (process.stdout.isTTY) bar.start(total, 0, { group: '' });
    const result = await replay(sqs, pair.dlqUrl, {
      ...(pair.sourceUrl === undefined ? {} : { sourceUrl: pair.sourceUrl }),
      ...(opts.max === undefined ? {} : { max: opts.max }),
      onMoved: (m, moved) => {
        if (process.stdout.isTTY) bar.update(moved, { group: m.groupId ?? '' });
      },
    }).finally(() => {
      if (process.stdout.isTTY) bar.stop();
    });
    console.log(JSON.stringify({ dlq: pair.dlqUrl, ...result }));
  });

function format(m: DlqMessage): string {
  let body = m.body;
  try {
    body = JSON.stringify(JSON.parse(m.body), null, 2);
  } catch {
    // not JSON: printed as it is
  }
  const reason = Object.keys(m.quarantine).length
    ? Object.entries(m.quarantine).map(([k, v]) => `  holdline.${k}: ${v}`)
    : ['  (no holdline.* attributes: moved by the queue redrive — a crash or timeout, not a decision)'];
  return [
    `— ${m.messageId}  group ${m.groupId ?? '-'}  sent ${m.sentAt ?? '-'}`,
    ...reason,
    ...Object.entries(m.attributes).map(([k, v]) => `  ${k}: ${v}`),
    body.replace(/^/gm, '  | '),
  ].join('\n');
}

await program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`dlq: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
