import { setTimeout as sleep } from 'node:timers/promises';
import { ListShardsCommand, type Shard } from '@aws-sdk/client-kinesis';
import { consumeShard, type ShardConsumerOptions } from './kinesis-shard.ts';

/** What a shard consumer needs, less what the poller decides per shard (which shard, whether to go on). */
export type KinesisPollerOptions = Omit<ShardConsumerOptions, 'shardId' | 'running'>;

/**
 * One Kinesis mapping: a consumer per shard (ParallelizationFactor 1), all shards in parallel. Shards are listed
 * once at start; resharding while running is not followed, and child shards are not held back until their parent
 * is read (AWS does both).
 */
export class KinesisPoller {
  #running = false;
  #loop: Promise<void> | undefined;

  constructor(private readonly options: KinesisPollerOptions) {}

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Stops after each shard's current invocation; a batch cut short is not checkpointed and is read again later. */
  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
    this.#loop = undefined;
  }

  async #run(): Promise<void> {
    const shards = await this.#listShards();
    await Promise.all(
      shards.map((shard) =>
        consumeShard({ ...this.options, shardId: shard.ShardId ?? '', running: () => this.#running }),
      ),
    );
  }

  async #listShards(): Promise<Shard[]> {
    while (this.#running) {
      try {
        const out = await this.options.clients.kinesis.send(
          new ListShardsCommand({ StreamName: this.options.mapping.streamName }),
        );
        return out.Shards ?? [];
      } catch (error) {
        this.options.log(`ListShards failed: ${error instanceof Error ? error.message : String(error)}`);
        await sleep(1000);
      }
    }
    return [];
  }
}
