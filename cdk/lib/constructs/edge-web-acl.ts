import { Aws, CfnCondition, CfnParameter, CfnRule, Fn } from 'aws-cdk-lib';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** Requests one client IP may make in any 5-minute window before WAF blocks it: 2,000 (≈ 7 a second). */
export const EDGE_RATE_LIMIT_PER_5_MIN = 2000;
/** CloudFormation parameter: a CLOUDFRONT-scope web ACL made in us-east-1, for a stack deployed elsewhere. */
export const EDGE_WEB_ACL_PARAMETER = 'EdgeWebAclArn';
/** The only region where a web ACL for CloudFront can be created. */
export const CLOUDFRONT_WAF_REGION = 'us-east-1';

/**
 * The web ACL in front of CloudFront: a per-IP rate rule and two AWS managed rule groups, the common rule set and
 * the known-bad-inputs set (Log4j and Java deserialization probes, a localhost Host header; checkov CKV_AWS_192).
 * Together 902 of the ACL's 1,500 capacity units.
 *
 * A CLOUDFRONT-scope web ACL can only be created in us-east-1, and this stack is region-agnostic. So the ACL is
 * created here only when the stack deploys to us-east-1; anywhere else the deployer creates it in us-east-1 (from
 * the same rules) and passes its ARN as the `EdgeWebAclArn` parameter. A template rule refuses the deploy when
 * neither holds, so the distribution never goes out without a web ACL by accident.
 */
export class EdgeWebAcl extends Construct {
  /** The web ACL's ARN for the distribution's `webAclId`: the one created here, or the parameter. */
  readonly webAclArn: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const given = new CfnParameter(this, EDGE_WEB_ACL_PARAMETER, {
      type: 'String',
      default: '',
      description: `ARN of a CLOUDFRONT web ACL in ${CLOUDFRONT_WAF_REGION} (only needed when deploying elsewhere)`,
    });
    given.overrideLogicalId(EDGE_WEB_ACL_PARAMETER);
    const inWafRegionExpression = Fn.conditionEquals(Aws.REGION, CLOUDFRONT_WAF_REGION);
    const inWafRegion = new CfnCondition(this, 'InCloudFrontWafRegion', {
      expression: inWafRegionExpression,
    });
    const arnGiven = Fn.conditionNot(Fn.conditionEquals(given.valueAsString, ''));
    new CfnRule(this, 'WebAclAvailable', {
      assertions: [
        {
          // Rules cannot reference conditions, so the expression is repeated, not the condition.
          assert: Fn.conditionOr(inWafRegionExpression, arnGiven),
          assertDescription:
            `CloudFront web ACLs exist only in ${CLOUDFRONT_WAF_REGION}: deploy there, or create the ACL in ` +
            `${CLOUDFRONT_WAF_REGION} and pass its ARN as ${EDGE_WEB_ACL_PARAMETER}.`,
        },
      ],
    });

    const acl = new CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('holdline-edge'),
      rules: [
        {
          name: 'RatePerIp',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: EDGE_RATE_LIMIT_PER_5_MIN, aggregateKeyType: 'IP' } },
          visibilityConfig: visibility('holdline-edge-rate'),
        },
        {
          name: 'AwsCommonRuleSet',
          priority: 1,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesCommonRuleSet' },
          },
          visibilityConfig: visibility('holdline-edge-common'),
        },
        {
          name: 'AwsKnownBadInputs',
          priority: 2,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesKnownBadInputsRuleSet' },
          },
          visibilityConfig: visibility('holdline-edge-known-bad-inputs'),
        },
      ],
    });
    acl.cfnOptions.condition = inWafRegion;
    this.webAclArn = Fn.conditionIf(inWafRegion.logicalId, acl.attrArn, given.valueAsString).toString();
  }
}

function visibility(metricName: string): CfnWebACL.VisibilityConfigProperty {
  return { cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true };
}
