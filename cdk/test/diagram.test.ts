import { describe, expect, it } from 'vitest';
import { committedArchitectureDoc, generateArchitectureDoc } from '../lib/diagram/architecture-doc.ts';
import { HopResourceMissingError, locateHops, type TemplateJson } from '../lib/diagram/hops.ts';
import { resourcesOf } from '../lib/template.ts';
import { holdlineTemplateJson } from './template.ts';

const VARIANTS = [
  { database: 'rds', cdc: 'debezium' },
  { database: 'aurora', cdc: 'debezium' },
  { database: 'rds', cdc: 'dms' },
  { database: 'aurora', cdc: 'dms' },
] as const;

/** A copy of the template without the resources `drop` selects (and outputs that named them). */
function without(template: TemplateJson, drop: (id: string, type: string) => boolean): TemplateJson {
  const copy = structuredClone(template);
  for (const [id, r] of resourcesOf(copy)) if (drop(id, r.Type)) delete copy.Resources?.[id];
  return copy;
}

describe('six-hop diagram', () => {
  const template = holdlineTemplateJson() as TemplateJson;

  it('committed docs/architecture.md is exactly what the template generates (run `npm run diagram`)', () => {
    expect(committedArchitectureDoc()).toBe(generateArchitectureDoc());
  });

  it.each(VARIANTS)('finds all six hops with database=$database cdc=$cdc', (context) => {
    const hops = locateHops(holdlineTemplateJson(context) as TemplateJson);
    expect(hops.map((h) => h.name)).toEqual([
      'write',
      'publish',
      'route',
      'process',
      'quarantine',
      'display',
    ]);
    for (const hop of hops) expect(hop.elements.length).toBeGreaterThan(0);
  });

  it.each([
    ['publish', 'the outbox CDC task', (id: string) => id.startsWith('CaptureOutboxTask')],
    [
      'publish',
      'the OrderEvents stream',
      (id: string, type: string) => type === 'AWS::Kinesis::Stream' && id.startsWith('OrderEvents'),
    ],
    [
      'route',
      'the router function',
      (id: string, type: string) => type === 'AWS::Lambda::Function' && id.startsWith('RoutingRouter'),
    ],
    ['route', 'the router mapping', (_: string, type: string) => type === 'AWS::Lambda::EventSourceMapping'],
    [
      'process',
      'a consumer FIFO queue',
      (id: string) => id.startsWith('InventoryConsumerQueue') && !id.includes('Dlq'),
    ],
    [
      'process',
      'a consumer function',
      (id: string, type: string) =>
        type === 'AWS::Lambda::Function' && id.startsWith('NotificationConsumerHandler'),
    ],
    ['process', 'the idempotency table', (id: string) => id.startsWith('Idempotency')],
    ['quarantine', 'a DLQ', (id: string) => id.startsWith('PaymentConsumerQueueDlq')],
    ['route', 'the router on-failure queue', (id: string) => id.startsWith('RoutingRouterFailuresQueue')],
    ['display', 'the order view table', (id: string) => id.startsWith('OrderViewProjectionTable')],
    [
      'display',
      'the web distribution',
      (_: string, type: string) => type === 'AWS::CloudFront::Distribution',
    ],
    ['display', 'the UI bucket', (_: string, type: string) => type === 'AWS::S3::Bucket'],
    ['write', 'the database', (_: string, type: string) => type === 'AWS::RDS::DBInstance'],
    ['write', 'the POST /orders route', (_: string, type: string) => type === 'AWS::ApiGatewayV2::Route'],
  ] as const)('fails in hop %s when %s disappears from the template', (hop, _what, drop) => {
    const broken = without(template, drop);
    expect(resourcesOf(broken).length).toBeLessThan(resourcesOf(template).length);
    let error: unknown;
    try {
      locateHops(broken);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HopResourceMissingError);
    expect((error as HopResourceMissingError).hop).toBe(hop);
  });

  it('fails when a consumer queue loses its FIFO DLQ redrive', () => {
    const broken = structuredClone(template);
    for (const r of resourcesOf(broken).map(([, r]) => r))
      if (r.Type === 'AWS::SQS::Queue' && r.Properties?.RedrivePolicy) delete r.Properties.RedrivePolicy;
    expect(() => locateHops(broken)).toThrow(/quarantine.*FIFO DLQ redrive/);
  });
});
