import type { ProviderSetting } from '../../cdk/lib/providers.ts';
import { synthTemplate } from '../../cdk/lib/synth.ts';
import type { CfnTemplate } from '../../cdk/lib/template.ts';
import { TOKEN_JWKS_CONTEXT } from '../../cdk/lib/token-issuer.ts';

/**
 * The provider settings the local cloud synthesizes with, passed explicitly as a deploy passes its own. The
 * stand-ins (localstack/stand-ins) listen on ports picked per cloud, after the one cached synth, so these only
 * name them: the Lambda runtime overlays each stand-in's real URL (`localEnv` in local-cloud.ts).
 */
export const LOCAL_PROVIDER_CONTEXT: Readonly<Record<ProviderSetting, string>> = {
  paymentGatewayUrl: 'http://payment-gateway.stand-in.localhost',
  inventoryServiceUrl: 'http://inventory.stand-in.localhost',
  notificationServiceUrl: 'http://notifications.stand-in.localhost',
};

/** The issuer likewise: the runtime overlays the issuer stand-in's real JWKS URL (local-cloud.ts). */
export const LOCAL_ISSUER_CONTEXT = {
  [TOKEN_JWKS_CONTEXT]: 'https://issuer.stand-in.localhost/.well-known/jwks.json',
} as const;

let synthesized: CfnTemplate | undefined;

/**
 * The app's template as the local cloud runs it, synthesized once per process: the app reads nothing that changes
 * between clouds, and a synth costs 13–30 s on 2 cores, which `npm test` would otherwise pay once per drill. A copy:
 * the caller may change it.
 */
export function localAppTemplate(): CfnTemplate {
  synthesized ??= synthTemplate({ context: { ...LOCAL_PROVIDER_CONTEXT, ...LOCAL_ISSUER_CONTEXT } });
  return structuredClone(synthesized);
}
