import { describe, expect, it } from 'vitest';
import { synthTemplate } from '../lib/synth.ts';
import { functionByEntry, holdlineTemplate, referencedId, resourcesOf, TEST_PROVIDERS } from './template.ts';

/** The functions that call a provider, with the variable that names it. */
const CALLERS = [
  ['lambdas/consumers/payment/handler.ts', 'PAYMENT_GATEWAY_URL', '/payment'],
  ['lambdas/reconcile/handler.ts', 'PAYMENT_GATEWAY_URL', '/payment'],
  ['lambdas/consumers/inventory/handler.ts', 'INVENTORY_SERVICE_URL', '/inventory'],
  ['lambdas/consumers/notification/handler.ts', 'NOTIFICATION_SERVICE_URL', '/notifications'],
  ['lambdas/change-rules/consumers/welcome-mail/handler.ts', 'NOTIFICATION_SERVICE_URL', '/notifications'],
] as const;

describe('provider settings', () => {
  it('fail synth when none are given, naming each missing setting and the stub option', () => {
    const synth = () => synthTemplate({ context: { database: 'rds' } });

    expect(synth).toThrow(
      /No provider URL for paymentGatewayUrl, inventoryServiceUrl, notificationServiceUrl/,
    );
    expect(synth).toThrow(/-c providers=stub/);
  });

  it('fail synth when only some are given, naming the ones left', () => {
    expect(() => synthTemplate({ context: { paymentGatewayUrl: TEST_PROVIDERS.paymentGatewayUrl } })).toThrow(
      /No provider URL for inventoryServiceUrl, notificationServiceUrl\./,
    );
  });

  it('refuse a placeholder host that can never resolve, or a value that is not a URL', () => {
    expect(() =>
      synthTemplate({
        context: { ...TEST_PROVIDERS, inventoryServiceUrl: 'https://inventory.example.invalid' },
      }),
    ).toThrow(/inventoryServiceUrl=https:\/\/inventory.example.invalid is not an http\(s\) URL/);
    expect(() => synthTemplate({ context: { ...TEST_PROVIDERS, paymentGatewayUrl: 'psp' } })).toThrow(
      /paymentGatewayUrl=psp/,
    );
    expect(() => synthTemplate({ context: { ...TEST_PROVIDERS, providers: 'real' } })).toThrow(
      /providers=real: the only value is stub/,
    );
  });

  it('give each caller the URL it was given, and nothing on .invalid', () => {
    const template = holdlineTemplate();
    for (const [entry, variable] of CALLERS) {
      const setting = {
        PAYMENT_GATEWAY_URL: 'paymentGatewayUrl',
        INVENTORY_SERVICE_URL: 'inventoryServiceUrl',
        NOTIFICATION_SERVICE_URL: 'notificationServiceUrl',
      }[variable] as keyof typeof TEST_PROVIDERS;
      expect(functionByEntry(template, entry)[1].Properties.Environment.Variables[variable], entry).toBe(
        TEST_PROVIDERS[setting],
      );
    }
    expect(JSON.stringify(template.toJSON())).not.toContain('.invalid');
    expect(() => functionByEntry(template, 'lambdas/providers/stub/handler.ts')).toThrow();
  });
});

describe('the stub providers (providers=stub)', () => {
  const template = holdlineTemplate({ providers: 'stub' });
  const [stubId] = functionByEntry(template, 'lambdas/providers/stub/handler.ts');

  it('deploy one function behind a function URL', () => {
    const urls = Object.values(resourcesOf(template, 'AWS::Lambda::Url'));
    expect(urls).toHaveLength(1);
    expect(referencedId(urls[0]!.Properties.TargetFunctionArn)).toBe(stubId);
    expect(urls[0]!.Properties.AuthType).toBe('NONE');
  });

  it.each(CALLERS)(
    "point %s's %s at the stub's URL, under the provider's prefix",
    (entry, variable, prefix) => {
      const value = functionByEntry(template, entry)[1].Properties.Environment.Variables[variable];
      const [separator, parts] = value['Fn::Join'];
      expect(separator).toBe('');
      expect(parts[1]).toBe(prefix.slice(1));
      const urlId = referencedId(parts[0]);
      expect(resourcesOf(template, 'AWS::Lambda::Url')[urlId!]).toBeDefined();
      expect(parts[0]['Fn::GetAtt'][1]).toBe('FunctionUrl');
    },
  );

  it('answer only the providers not given a URL', () => {
    const mixed = holdlineTemplate({ providers: 'stub', paymentGatewayUrl: 'https://psp.test' });
    const vars = (entry: string) => functionByEntry(mixed, entry)[1].Properties.Environment.Variables;

    expect(vars('lambdas/consumers/payment/handler.ts').PAYMENT_GATEWAY_URL).toBe('https://psp.test');
    expect(vars('lambdas/reconcile/handler.ts').PAYMENT_GATEWAY_URL).toBe('https://psp.test');
    expect(vars('lambdas/consumers/inventory/handler.ts').INVENTORY_SERVICE_URL['Fn::Join']).toBeDefined();
  });
});
