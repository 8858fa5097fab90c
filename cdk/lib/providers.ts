/**
 * The outside world the consumers call: a payment gateway, a warehouse and a mail provider, each behind the HTTP
 * contract of docs/providers.md. A deploy names each one's base URL, or asks for the stub providers
 * (`-c providers=stub`), which then answer every URL not given. There is no default: a deploy that names neither
 * fails at synth, instead of sending every order to the DLQs of a placeholder host.
 */

/** The context keys (and stack props) of the provider URLs, with the environment variable each one sets. */
export const PROVIDER_SETTINGS = {
  paymentGatewayUrl: 'PAYMENT_GATEWAY_URL',
  inventoryServiceUrl: 'INVENTORY_SERVICE_URL',
  notificationServiceUrl: 'NOTIFICATION_SERVICE_URL',
} as const;

export type ProviderSetting = keyof typeof PROVIDER_SETTINGS;

/** The context key that deploys the stub providers, and its one value. */
export const PROVIDERS_CONTEXT = 'providers';
export const STUB_PROVIDERS = 'stub';

/** The settings as the stack takes them: a URL per provider, or `stub` for those without one. */
export interface ProviderChoice {
  /** Deploy the stub providers' function and use its URL for every provider not given below. */
  stub: boolean;
  urls: Partial<Record<ProviderSetting, string>>;
}

/** A provider setting is missing or is not a URL: names the settings and the way out. */
export class ProviderSettingsError extends Error {
  override name = 'ProviderSettingsError';
  constructor(
    readonly settings: readonly string[],
    problem: string,
  ) {
    super(
      `${problem}. Pass ${settings.map((s) => `-c ${s}=<url>`).join(' ')}, or deploy the stub providers with ` +
        `-c ${PROVIDERS_CONTEXT}=${STUB_PROVIDERS} (see docs/providers.md).`,
    );
  }
}

/** Reads the provider settings from CDK context (`get`); throws ProviderSettingsError when they do not add up. */
export function providerChoiceFromContext(get: (key: string) => unknown): ProviderChoice {
  const mode: unknown = get(PROVIDERS_CONTEXT);
  if (mode !== undefined && mode !== STUB_PROVIDERS)
    throw new Error(`context ${PROVIDERS_CONTEXT}=${String(mode)}: the only value is ${STUB_PROVIDERS}`);
  const urls: ProviderChoice['urls'] = {};
  for (const setting of Object.keys(PROVIDER_SETTINGS) as ProviderSetting[]) {
    const value: unknown = get(setting);
    if (value !== undefined) urls[setting] = String(value);
  }
  const choice = { stub: mode === STUB_PROVIDERS, urls };
  checkProviderChoice(choice);
  return choice;
}

/** Every provider has a URL, or the stub answers for it; every URL given is http(s) on a real host name. */
export function checkProviderChoice(choice: ProviderChoice): void {
  const settings = Object.keys(PROVIDER_SETTINGS) as ProviderSetting[];
  const missing = settings.filter((s) => choice.urls[s] === undefined || choice.urls[s] === '');
  if (!choice.stub && missing.length > 0)
    throw new ProviderSettingsError(missing, `No provider URL for ${missing.join(', ')}`);
  for (const setting of settings) {
    const url = choice.urls[setting];
    if (url === undefined || url === '') continue;
    if (!usableUrl(url))
      throw new ProviderSettingsError(
        [setting],
        `${setting}=${url} is not an http(s) URL of a host that can exist`,
      );
  }
}

function usableUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    // `.invalid` (RFC 2606) never resolves: the placeholder this check replaced.
    return (
      (parsed.protocol === 'https:' || parsed.protocol === 'http:') && !parsed.hostname.endsWith('.invalid')
    );
  } catch {
    return false;
  }
}
