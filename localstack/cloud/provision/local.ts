import { localName } from './names.ts';
import type { PseudoParameters, ResourceRefs } from './resolve.ts';

/** Types the local Lambda runtime plays (from the template) instead of the emulator. */
export const runtimeTypes: ReadonlySet<string> = new Set([
  'AWS::Lambda::Function',
  'AWS::Lambda::EventSourceMapping',
  'AWS::Events::Rule',
  'AWS::Scheduler::Schedule',
]);

// Types whose Ref is an ARN rather than a name, so a synthetic Ref keeps that shape.
const refIsArn = new Set(['AWS::IAM::ManagedPolicy', 'AWS::SecretsManager::Secret', 'AWS::SNS::Topic']);
const globalServices = new Set(['iam', 'cloudfront', 'route53']);

/**
 * Refs for a resource the runtime plays: a function's local name and ARN, a rule's or schedule's name and ARN, a
 * mapping's id. `explicitName` is the template's own name property, if it has one.
 */
export function runtimeRefs(
  type: string,
  logicalId: string,
  explicitName: string | undefined,
  pseudo: PseudoParameters,
): ResourceRefs {
  const { partition, region, accountId } = pseudo;
  const name = explicitName ?? localName(pseudo.stackName, logicalId, type);
  const prefix = `arn:${partition}`;
  switch (type) {
    case 'AWS::Lambda::Function':
      return { ref: name, attrs: { Arn: `${prefix}:lambda:${region}:${accountId}:function:${name}` } };
    case 'AWS::Lambda::EventSourceMapping': {
      const id = `local-${logicalId}`;
      const arn = `${prefix}:lambda:${region}:${accountId}:event-source-mapping:${id}`;
      return { ref: id, attrs: { Id: id, EventSourceMappingArn: arn } };
    }
    case 'AWS::Events::Rule':
      return { ref: name, attrs: { Arn: `${prefix}:events:${region}:${accountId}:rule/${name}` } };
    case 'AWS::Scheduler::Schedule':
      return {
        ref: name,
        attrs: { Arn: `${prefix}:scheduler:${region}:${accountId}:schedule/default/${name}` },
      };
    default:
      return syntheticRefs(type, logicalId, pseudo, new Set());
  }
}

/**
 * Made-up refs for a resource that is not provisioned, so references to it still resolve: Ref is the local
 * name (or a fake ARN for types whose Ref is an ARN), `Arn` and every `…Arn` attribute the template reads are fake
 * ARNs built from the type and name, other attributes `<name>.<attribute>`.
 */
export function syntheticRefs(
  type: string,
  logicalId: string,
  pseudo: PseudoParameters,
  requested: ReadonlySet<string>,
): ResourceRefs {
  const name = localName(pseudo.stackName, logicalId, type);
  const arn = fakeArn(type, name, pseudo);
  const attrs: Record<string, string> = { Arn: arn };
  for (const attribute of requested) {
    attrs[attribute] = attribute.endsWith('Arn') ? arn : `${name}.${attribute}`;
  }
  return { ref: refIsArn.has(type) ? arn : name, attrs };
}

/** `arn:aws:<service>:<region>:<account>:<resource-type>/<name>` from a CloudFormation type such as AWS::IAM::Role. */
export function fakeArn(type: string, name: string, pseudo: PseudoParameters): string {
  const [, service = 'local', resource = 'resource'] = type.split('::');
  const serviceId = service.toLowerCase();
  const region = globalServices.has(serviceId) ? '' : pseudo.region;
  const resourceType = resource.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
  return `arn:${pseudo.partition}:${serviceId}:${region}:${pseudo.accountId}:${resourceType}/${name}`;
}
