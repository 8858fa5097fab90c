import { resourcesOfType } from '../../../cdk/lib/template.ts';
import type { CfnTemplate, Provisioned } from '../provision/index.ts';
import type { AlarmRule, ComparisonOperator, TreatMissingData } from './evaluate.ts';

/** One AWS::CloudWatch::Alarm of the template, with its metric dimensions resolved to the local resources. */
export interface AlarmDefinition extends AlarmRule {
  logicalId: string;
  alarmName: string;
  description: string;
  namespace: string;
  metricName: string;
  dimensions: Array<{ Name: string; Value: string }>;
  /** `Maximum`, `Average`, …; a percentile (`p99`) is read as Maximum locally (moto computes no percentiles). */
  statistic: string;
  extendedStatistic: string | undefined;
  periodSeconds: number;
  alarmActions: string[];
  okActions: string[];
}

/**
 * Namespaces nothing publishes locally: no emulator reports AWS/Kinesis GetRecords metrics, and there is no RDS.
 * An alarm that treats their missing data as breaching would page for the whole life of every local cloud.
 */
export const NO_LOCAL_SOURCE: readonly string[] = ['AWS/Kinesis', 'AWS/RDS'];

/**
 * Reads the template's alarms — the same definitions CloudFormation would create — resolving `Ref`/`GetAtt`
 * in dimensions and actions through the provisioned resources (e.g. `QueueName` → the emulator's queue name).
 * Metric-math alarms are skipped and reported, since the evaluator reads one metric per alarm; so are alarms that
 * breach on missing data of a namespace with no local source (`NO_LOCAL_SOURCE`).
 */
export function alarmDefinitions(
  template: CfnTemplate,
  provisioned: Pick<Provisioned, 'resolve'>,
): { alarms: AlarmDefinition[]; skipped: string[] } {
  const alarms: AlarmDefinition[] = [];
  const skipped: string[] = [];
  for (const [logicalId, resource] of resourcesOfType(template, 'AWS::CloudWatch::Alarm')) {
    const p = provisioned.resolve(resource.Properties ?? {}) as Record<string, unknown>;
    if (p.Metrics !== undefined || typeof p.MetricName !== 'string') {
      skipped.push(`${logicalId}: metric-math alarm (not evaluated locally)`);
      continue;
    }
    if (p.TreatMissingData === 'breaching' && NO_LOCAL_SOURCE.includes(String(p.Namespace))) {
      skipped.push(`${logicalId}: ${String(p.Namespace)} has no local source and missing data breaches`);
      continue;
    }
    const evaluationPeriods = Number(p.EvaluationPeriods);
    // An unnamed alarm gets `<stack>-<logical id>…` as CloudFormation names it, so stack-scoped readers see it.
    const generatedName = `${String(provisioned.resolve({ Ref: 'AWS::StackName' }))}-${logicalId}`;
    alarms.push({
      logicalId,
      alarmName: typeof p.AlarmName === 'string' ? p.AlarmName : generatedName,
      description: String(p.AlarmDescription ?? ''),
      namespace: String(p.Namespace),
      metricName: p.MetricName,
      dimensions: ((p.Dimensions as Array<{ Name: string; Value: unknown }>) ?? []).map((d) => ({
        Name: d.Name,
        Value: String(d.Value),
      })),
      statistic: typeof p.Statistic === 'string' ? p.Statistic : 'Maximum',
      extendedStatistic: typeof p.ExtendedStatistic === 'string' ? p.ExtendedStatistic : undefined,
      periodSeconds: Number(p.Period ?? 60),
      threshold: Number(p.Threshold),
      comparisonOperator: p.ComparisonOperator as ComparisonOperator,
      evaluationPeriods,
      datapointsToAlarm: Number(p.DatapointsToAlarm ?? evaluationPeriods),
      treatMissingData: (p.TreatMissingData as TreatMissingData | undefined) ?? 'missing',
      alarmActions: ((p.AlarmActions as unknown[]) ?? []).map(String),
      okActions: ((p.OKActions as unknown[]) ?? []).map(String),
    });
  }
  return { alarms, skipped };
}
