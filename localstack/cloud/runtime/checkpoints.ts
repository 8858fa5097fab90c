import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Kinesis checkpoints: the last processed sequence number per mapping and shard, persisted as JSON so a restarted
 * runtime resumes after it (at-least-once: a batch in flight at a crash is processed again). Written atomically
 * (temp file + rename) on every change.
 */
export class CheckpointStore {
  readonly #positions: Record<string, string>;

  constructor(readonly file: string) {
    this.#positions = load(file);
  }

  get(mappingId: string, shardId: string): string | undefined {
    return this.#positions[key(mappingId, shardId)];
  }

  set(mappingId: string, shardId: string, sequenceNumber: string): void {
    this.#positions[key(mappingId, shardId)] = sequenceNumber;
    mkdirSync(dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(this.#positions, null, 2)}\n`);
    renameSync(temp, this.file);
  }

  /** Forgets a mapping's checkpoint for a shard (e.g. the stream was recreated and the number is from before). */
  clear(mappingId: string, shardId: string): void {
    delete this.#positions[key(mappingId, shardId)];
  }
}

function key(mappingId: string, shardId: string): string {
  return `${mappingId}/${shardId}`;
}

function load(file: string): Record<string, string> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`checkpoint file ${file} is unreadable`, { cause: error });
  }
}
