import { removeLocalCloudRecord, writeLocalCloudRecord } from '../tools/local-cloud-record.ts';
import type { LocalCloud } from './cloud/local-cloud.ts';

/**
 * Publishes a running cloud for tools (`npm run dlq`, `local:down`): the same record whether `npm run demo` or
 * `npm run local:up` owns it. Rewritten every 2 s, because worker pids change when a container crashes and
 * restarts. `stop` removes it.
 */
export function publishCloudRecord(cloud: LocalCloud): { stop(): void } {
  const write = () =>
    writeLocalCloudRecord({
      pid: process.pid,
      children: cloud.pids(),
      endpoints: { ...cloud.endpoints },
      aws: cloud.aws,
      outputs: cloud.provisioned.outputs,
    });
  write();
  const refresh = setInterval(write, 2000);
  return {
    stop: () => {
      clearInterval(refresh);
      removeLocalCloudRecord();
    },
  };
}
