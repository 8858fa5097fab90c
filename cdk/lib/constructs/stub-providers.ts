import { Duration, Fn } from 'aws-cdk-lib';
import { type FunctionUrl, FunctionUrlAuthType } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { STUB_PREFIXES } from '../../../lambdas/providers/stub/answer.ts';
import type { ProviderSetting } from '../providers.ts';
import { HoldlineFunction } from './holdline-function.ts';

/**
 * The stub providers of a sandbox (`-c providers=stub`): one small function behind a Lambda function URL that
 * answers the providers' contract (lambdas/providers/stub), so a first deploy works end to end with nothing real
 * to call. `urls` are the base URLs the consumers get, one path prefix per provider under the function URL.
 */
export class StubProviders extends Construct {
  readonly handler: HoldlineFunction;
  readonly url: FunctionUrl;
  readonly urls: Record<ProviderSetting, string>;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.handler = new HoldlineFunction(this, 'Handler', {
      entry: 'lambdas/providers/stub/handler.ts',
      serviceName: 'stub-providers',
      timeout: Duration.seconds(5),
      memorySize: 256,
    });
    // No auth, like the provider sandboxes it stands in for: the consumers call it with plain HTTPS (the same
    // adapter a real provider gets), and it holds nothing, charges nothing and answers only canned replies.
    this.url = this.handler.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });
    // The function URL ends in `/`; each provider's base URL is a prefix below it.
    const under = (prefix: string) => Fn.join('', [this.url.url, prefix.slice(1)]);
    this.urls = {
      paymentGatewayUrl: under(STUB_PREFIXES.paymentGatewayUrl),
      inventoryServiceUrl: under(STUB_PREFIXES.inventoryServiceUrl),
      notificationServiceUrl: under(STUB_PREFIXES.notificationServiceUrl),
    };
  }
}
