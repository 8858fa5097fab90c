import { Duration } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { outageReceives, type RetryBudget } from '../../lambdas/consumers/failure-policy.ts';

/**
 * Every setting a delivery guarantee rests on, in one typed place. Constructs read these instead of
 * inlining numbers, and the tests assert the template against them (and against the fixed values where
 * AWS imposes the number).
 */
export interface HoldlineConfig {
  /** Receives a message that fails on its own (poison) gets before the consumer quarantines it with its reason.
   *  Default 5: with the 2 s base a poison message is retried for 2+4+8+16 = 30 s, then quarantined. */
  messageAttempts: number;
  /** A consumer's first retry backoff (visibility timeout after a failure), doubling per receive. Default 2 s. */
  consumerRetryBackoffBase: Duration;
  /** Cap on one consumer retry backoff for a message failure. Default 60 s. */
  consumerRetryBackoffMax: Duration;
  /**
   * How long a dependency (the database, the gateway, DynamoDB) may be unavailable before the messages waiting
   * on it are quarantined. Default 6 h: longer than any outage that ends by itself (an RDS reboot or Multi-AZ
   * failover takes 1–2 min, a regional brown-out hours), short enough that a dependency gone for good still ends
   * in the DLQ with its reason the same working day. A dependency failure never spends `messageAttempts`.
   */
  outageBudget: Duration;
  /** Cap on one backoff during an outage. Default 2 min: backoff grows to minutes so an outage costs few receives,
   *  and after the dependency is back a message waits at most this long (FIFO holds its group meanwhile). */
  outageBackoffMax: Duration;
  /** Consumer Lambda timeout. Default 30 s: a payment call plus an idempotency write, with margin. */
  consumerTimeout: Duration;
  /** Queue visibility as a multiple of the consumer timeout. Default 6: AWS guidance for SQS→Lambda, so a batch
   *  whose function is throttled and retried is not redelivered while an invocation still holds it. */
  visibilityTimeoutFactor: number;
  /** DLQ retention. Default 14 days (the SQS maximum): time for a human to look before messages vanish. */
  dlqRetention: Duration;
  /** SQS→Lambda batch size. Default 10: the maximum AWS allows for FIFO queues. */
  sqsBatchSize: number;
  /** Kinesis→Lambda batch size. Default 100: the AWS default; bisect narrows a failure in ≤7 halvings. */
  kinesisBatchSize: number;
  /** Split a failing Kinesis batch in two and retry each half. Default true: isolates the bad record. */
  kinesisBisectOnError: boolean;
  /** Concurrent batches per shard. Default 1: >1 keeps per-key order but reorders across keys; 1 is easiest to reason about. */
  kinesisParallelizationFactor: number;
  /**
   * Kinesis shards of the order-change stream, in PROVISIONED capacity mode (cdk/lib/constructs/change-stream.ts).
   * Default 1.
   * Why provisioned, 1 shard: one shard takes 1,000 records/s or 1 MB/s; 10 orders/s make about 20 outbox events/s
   * (placed + payment outcome) and 20 order changes/s, 2 % of it. It costs $0.015 per shard-hour (≈ $11/month),
   * where on-demand bills a floor of $0.04 per stream-hour (≈ $29/month) before any data (us-east-1 list prices,
   * docs/deploy.md). And a fixed shard count is a reviewed number: per-key order holds within a shard, and a
   * reshard is a deliberate act, not something traffic does by itself. Raise it for throughput.
   */
  shardCount: number;
  /**
   * Shards of the order-event stream (the outbox's), which the router reads. Default 4, locally and in AWS (one
   * template). Why 4 and not 1: the stream is keyed by order id, so its load spreads over every shard, and 4
   * shards take 4,000 records/s, room for the 500 orders/s goal (about 1,000 outbox events/s) with headroom for
   * a burst; the three extra shards and their retention cost about $77 a month (docs/deploy.md). A hot key is not fixed by more shards: one key is capped at one shard's
   * 1,000 records/s whatever the count; it is fixed at the key (docs/keys.md, the hot-key drill).
   */
  orderEventsShardCount: number;
  /** Stream retention. Default 7 days: on-failure queues only hold pointers, so the records must still be in
   *  the stream when someone replays them. */
  streamRetention: Duration;
  /** Router Lambda timeout. Default 60 s: 100 records fanned out to three queues in batches of 10. */
  routerTimeout: Duration;
  /** Order-view Lambda timeout. Default 30 s. */
  orderViewTimeout: Duration;
  /** API Lambda timeout. Default 10 s: below API Gateway's 30 s integration limit so errors are ours, not a 503. */
  apiTimeout: Duration;
  /** How long a processed event id is remembered. Default 24 h: longer than any redelivery path (a message
   *  or a stream record waits at most the 6 h outage budget), so a late duplicate still hits the record. */
  idempotencyTtl: Duration;
  /** PostgreSQL major version, matching the local server. Default 17. */
  postgresMajorVersion: '17';
  /** Pinned engine version for RDS and Aurora (both offer 17.9). */
  postgresEngineVersion: string;
  /** WAL a replication slot may pin before Postgres invalidates it instead of filling the disk. Default 1024 MB
   *  (the local server uses the same cap): a stalled Debezium costs a re-snapshot, never a database outage. */
  maxSlotWalKeepSizeMb: number;
  /** Walsender drops a replication connection silent this long. Default 60 s: Debezium reports status every 10 s,
   *  so only a dead consumer is cut, and its slot becomes inactive (and alarmable) quickly. */
  walSenderTimeout: Duration;
  /** Debezium heartbeat. Default 10 s: an idle slot confirms a fresh LSN at least this often. */
  debeziumHeartbeatInterval: Duration;
  /**
   * Debezium offset flush. Default 1 s, so the slot advances promptly. An offset is committed when a later batch
   * arrives, so after a SIGKILL up to one heartbeat interval of records is sent again (at-least-once).
   */
  debeziumOffsetFlushInterval: Duration;
  /**
   * How long Debezium waits when the WAL has nothing new, and how often it hands a batch to the Kinesis sink.
   * Default 10 ms (Debezium's own default is 500 ms): the cdc-latency bench measured commit → Kinesis p99 at
   * 50 orders/s fall from 980 ms to 174 ms at 50 ms, and the relay-ab bench CDC p50 from 165 ms (0.26–0.30 ×
   * the polling relay) to 56 ms (0.10 ×) at 10 ms. The cost is an idle nap loop of 100 wake-ups a second and
   * smaller, more frequent PutRecords batches (≤ 100 calls a second per connector under load). That idle loop
   * costs a measurable share of a core per connector: it matters on a 2-core machine running three, not on
   * Fargate (drills/cdc-latency/README.md, "Skipping the gateway's hop").
   */
  debeziumPollInterval: Duration;
  /** Lambda and Debezium log retention. Default one month. */
  logRetention: RetentionDays;
  /** Postgres database name the API and Debezium use. Default `holdline`. */
  databaseName: string;
  /**
   * RDS runs Multi-AZ: a synchronous standby in a second Availability Zone that RDS fails over to by itself.
   * Default true. Why: a failover is the commonest production fault (a host replaced, a zone lost, a patch), and
   * Single-AZ turns each into an outage of as long as RDS takes to rebuild the instance, with writes acknowledged
   * since the last backup at risk. Multi-AZ turns it into 1–2 minutes of refused connections, which the
   * consumers wait out as a dependency outage (outageBudget) and the outbox keeps every committed event through.
   * It doubles the instance and storage bill, so a sandbox may opt out (context `multiAz=false`).
   */
  databaseMultiAz: boolean;
  /** API authorizer Lambda timeout. Default 5 s: one ES256 check, plus the issuer's JWKS fetch (2 s at most) on a
   *  cold start or a new key id. */
  authorizerTimeout: Duration;
  /**
   * API Gateway caches an authorizer verdict per Authorization header this long. Default 1 min (AWS's default is
   * 5 min). The authorizer refuses a token with less life left than this, so a cached "allowed" never outlives its
   * token; and a token whose key is withdrawn still works this long at most, after the JWKS cache below. The cost
   * is one authorizer call per customer a minute.
   */
  authorizerCacheTtl: Duration;
  /**
   * The longest a customer token may live: one issued longer ago (`iat`) is refused, and so is one issued with
   * `exp − iat` over it. Default 12 h: a working day, which is as long as the dev login and the drills hold one
   * token, and the UI asks for a new sign-in on a 401/403. Why a cap at all: the API has no revocation list, so a
   * leaked token works until it expires, and an issuer's mistake (a token for a year) must not become a standing
   * credential. Keys are a separate matter: a key's JWKS entry can be withdrawn (rotation, docs/web.md).
   */
  tokenMaxAge: Duration;
  /**
   * How long the authorizer trusts the issuer's JWKS it fetched before it fetches it again. Default 10 min (jose's
   * default): a withdrawn key stops verifying at most this long after it leaves the JWKS. A new key needs no wait:
   * a token naming a `kid` the cache lacks fetches the JWKS at once (at most every 30 s).
   */
  tokenKeyCacheMaxAge: Duration;
  /** An order still `pending` this long after it was placed is the reconciler's. Default 2 min: the payment
   *  path's p99 is seconds, so only a lost result gets here; the customer waits at most this plus the schedule. */
  reconcileDeadline: Duration;
  /** How often the reconciler runs. Default every minute (the finest `rate()` EventBridge allows). */
  reconcileInterval: Duration;
  /** Orders the reconciler reads per page (it pages on with a cursor while time lasts). Default 100. */
  reconcileBatchSize: number;
  /** An order with no charge has its payment asked for again at most this often. Default 5 min: longer than a
   *  message's own retries take once its dependency is back (outageBackoffMax), so a re-drive rarely races one. */
  reconcileRedriveInterval: Duration;
  /** An order still without a charge this long after it was placed fails with "could not be processed".
   *  Default 7 h: past the consumers' outage budget (6 h), so no message of it can still be trying. */
  reconcileGiveUpAfter: Duration;
  /** Reconciler Lambda timeout. Default 60 s: 100 gateway look-ups and guarded updates. */
  reconcileTimeout: Duration;
  /** Change rules: an unmarked transaction with more changes than this in one router batch (≤ 100 records) is a
   *  flurry, throttled like a marked bulk change. Default 50: no request of the API writes more than a few rows. */
  flurryChangesPerTransaction: number;
  /** Change rules: more changes of one table committed in one second, within one router batch, than this is a
   *  flurry (many small transactions: a script committing row by row). Default 80. */
  flurryChangesPerTableSecond: number;
  /** Change rules: concurrent batches a consumer's low-priority (bulk) queue is read with. Default 2 (the least SQS
   *  allows): with batches of 10 that caps a bulk change's drain at 20 changes per consumer call time. */
  bulkLaneMaxConcurrency: number;
  /** Change rules: the most orders one CSV export holds (a customer's newest). Default 20,000: a page of the order
   *  view is 1 MB, so this is a few dozen queries, well inside the consumer's timeout. */
  reportMaxOrders: number;
  /** Change rules: how long an exported report stays in the reports bucket. Default 30 days: a report is a
   *  snapshot someone asked for, and a new request makes a fresh one. */
  reportRetention: Duration;
}

export const config: HoldlineConfig = {
  messageAttempts: 5,
  consumerRetryBackoffBase: Duration.seconds(2),
  consumerRetryBackoffMax: Duration.seconds(60),
  outageBudget: Duration.hours(6),
  outageBackoffMax: Duration.minutes(2),
  consumerTimeout: Duration.seconds(30),
  visibilityTimeoutFactor: 6,
  dlqRetention: Duration.days(14),
  sqsBatchSize: 10,
  kinesisBatchSize: 100,
  kinesisBisectOnError: true,
  kinesisParallelizationFactor: 1,
  shardCount: 1,
  orderEventsShardCount: 4,
  streamRetention: Duration.days(7),
  routerTimeout: Duration.seconds(60),
  orderViewTimeout: Duration.seconds(30),
  apiTimeout: Duration.seconds(10),
  idempotencyTtl: Duration.hours(24),
  postgresMajorVersion: '17',
  postgresEngineVersion: '17.9',
  maxSlotWalKeepSizeMb: 1024,
  walSenderTimeout: Duration.seconds(60),
  debeziumHeartbeatInterval: Duration.seconds(10),
  debeziumOffsetFlushInterval: Duration.seconds(1),
  debeziumPollInterval: Duration.millis(10),
  logRetention: RetentionDays.ONE_MONTH,
  databaseName: 'holdline',
  databaseMultiAz: true,
  authorizerTimeout: Duration.seconds(5),
  authorizerCacheTtl: Duration.minutes(1),
  tokenMaxAge: Duration.hours(12),
  tokenKeyCacheMaxAge: Duration.minutes(10),
  reconcileDeadline: Duration.minutes(2),
  reconcileInterval: Duration.minutes(1),
  reconcileBatchSize: 100,
  reconcileRedriveInterval: Duration.minutes(5),
  reconcileGiveUpAfter: Duration.hours(7),
  reconcileTimeout: Duration.seconds(60),
  flurryChangesPerTransaction: 50,
  flurryChangesPerTableSecond: 80,
  bulkLaneMaxConcurrency: 2,
  reportMaxOrders: 20_000,
  reportRetention: Duration.days(30),
};

/** Queue visibility timeout for a consumer with the configured timeout (180 s by default). */
export function consumerVisibilityTimeout(c: HoldlineConfig = config): Duration {
  return Duration.seconds(c.consumerTimeout.toSeconds() * c.visibilityTimeoutFactor);
}

/** The consumers' retry budget (lambdas/consumers/failure-policy.ts) as the stack configures it. */
export function consumerRetryBudget(c: HoldlineConfig = config): RetryBudget {
  return {
    maxAttempts: c.messageAttempts,
    backoffBaseSeconds: c.consumerRetryBackoffBase.toSeconds(),
    backoffMaxSeconds: c.consumerRetryBackoffMax.toSeconds(),
    outageBudgetSeconds: c.outageBudget.toSeconds(),
    outageBackoffMaxSeconds: c.outageBackoffMax.toSeconds(),
  };
}

/**
 * A consumer queue's RedrivePolicy maxReceiveCount: the backstop for what the consumer's own policy never sees
 * (a crash, a timeout). It must sit above every receive an outage of the whole budget can spend, or SQS would
 * move a message that is only waiting for its dependency; plus the message's own attempts.
 */
export function redriveMaxReceiveCount(c: HoldlineConfig = config): number {
  return outageReceives(consumerRetryBudget(c)) + c.messageAttempts;
}
