import type { CfnTemplate } from '../../cdk/lib/template.ts';
import { resourcesOfType } from '../../cdk/lib/template.ts';

/** What a function URL reference reads as in the copy checkov gets. */
export const FUNCTION_URL_STAND_IN = 'https://function-url.checkov.invalid/';

/**
 * The template as checkov reads it. checkov 3.3's JSON report crashes (exit 2, "keys must be str… not tuple") on a
 * template where a value is `Fn::GetAtt` of an `AWS::Lambda::Url`'s `FunctionUrl` (the stub providers' URL in the
 * consumers' environment, `-c providers=stub`): it renders the reference into its report under a tuple key. Each
 * such reference is replaced by a string in checkov's copy only; every resource, and every property any check
 * reads, stays. cfn-lint reads the template as synthesized.
 */
export function checkovInput(template: CfnTemplate): CfnTemplate {
  const urlIds = new Set(resourcesOfType(template, 'AWS::Lambda::Url').map(([id]) => id));
  if (urlIds.size === 0) return template;
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (typeof value !== 'object' || value === null) return value;
    const getAtt = (value as Record<string, unknown>)['Fn::GetAtt'];
    if (Array.isArray(getAtt) && urlIds.has(getAtt[0]) && getAtt[1] === 'FunctionUrl')
      return FUNCTION_URL_STAND_IN;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
  };
  return walk(template) as CfnTemplate;
}
