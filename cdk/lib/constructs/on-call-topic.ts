import { CfnCondition, CfnParameter, Fn, RemovalPolicy } from 'aws-cdk-lib';
import type { IAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { CfnSubscription, Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** CloudFormation parameters of the stack: where pages go. Both may be left empty. */
export const ON_CALL_EMAIL_PARAMETER = 'OnCallEmail';
export const ON_CALL_URL_PARAMETER = 'OnCallHttpsUrl';

/**
 * The SNS topic every Holdline alarm pages through, with an optional e-mail and an optional HTTPS (pager or
 * chat webhook) subscription taken from stack parameters — so the address is set at deploy time
 * (`cdk deploy --parameters OnCallEmail=oncall@example.com`) and never committed. The context keys
 * `onCallEmail` / `onCallHttpsUrl` set the parameters' defaults.
 */
export class OnCallTopic extends Construct {
  readonly topic: Topic;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // A key of our own, not alias/aws/sns: CloudWatch alarms can only publish to an encrypted topic whose key
    // policy lets cloudwatch.amazonaws.com use it, and the AWS-managed key's policy cannot be changed.
    const key = new Key(this, 'TopicKey', {
      description: 'Encrypts the Holdline on-call topic at rest',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'Topic', {
      displayName: 'Holdline on-call',
      enforceSSL: true,
      masterKey: key,
    });
    this.action = new SnsAction(this.topic);
    this.subscribe(
      ON_CALL_EMAIL_PARAMETER,
      'onCallEmail',
      'email',
      'E-mail address paged by Holdline alarms (empty: none)',
    );
    this.subscribe(
      ON_CALL_URL_PARAMETER,
      'onCallHttpsUrl',
      'https',
      'HTTPS endpoint paged by Holdline alarms (empty: none)',
    );
  }

  /** Sends the alarm's ALARM and OK transitions to the topic (OK, so a page is also resolved). */
  page(
    alarm: IAlarm & { addAlarmAction(...a: SnsAction[]): void; addOkAction(...a: SnsAction[]): void },
  ): void {
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
  }

  private subscribe(
    parameterId: string,
    contextKey: string,
    protocol: 'email' | 'https',
    description: string,
  ) {
    const fromContext = this.node.tryGetContext(contextKey);
    const parameter = new CfnParameter(this, parameterId, {
      type: 'String',
      default: typeof fromContext === 'string' ? fromContext : '',
      description,
    });
    parameter.overrideLogicalId(parameterId);
    const given = new CfnCondition(this, `${parameterId}Given`, {
      expression: Fn.conditionNot(Fn.conditionEquals(parameter.valueAsString, '')),
    });
    const subscription = new CfnSubscription(this, `${parameterId}Subscription`, {
      topicArn: this.topic.topicArn,
      protocol,
      endpoint: parameter.valueAsString,
    });
    subscription.cfnOptions.condition = given;
  }
}
