import { asRecord } from '../../../cdk/lib/template.ts';
import { InvalidTemplateError, UnresolvableReferenceError, UnsupportedIntrinsicError } from './errors.ts';

/** What a provisioned (or synthesized) resource answers to `Ref` and `Fn::GetAtt`. */
export interface ResourceRefs {
  ref: string;
  attrs: Record<string, string>;
}

/** CloudFormation pseudo parameters; `pseudoParameters()` fills the local defaults. */
export interface PseudoParameters {
  region: string;
  accountId: string;
  partition: string;
  stackName: string;
  urlSuffix: string;
}

/** Everything an intrinsic function may look at. Pure data: resolving never calls AWS. */
export interface ResolveContext {
  resources: Readonly<Record<string, ResourceRefs>>;
  pseudo: PseudoParameters;
  /** Template parameter values (a list parameter resolves to an array). Default: none. */
  parameters?: Readonly<Record<string, string | string[]>>;
  /** The template's `Conditions` section, evaluated on demand. Default: none. */
  conditions?: Readonly<Record<string, unknown>>;
  /** The template's `Mappings` section, for `Fn::FindInMap`. Default: none. */
  mappings?: Readonly<Record<string, unknown>>;
}

/**
 * Local pseudo parameters. Defaults: region `AWS_REGION` or us-east-1, account 000000000000, partition aws,
 * stack name `holdline`, URL suffix amazonaws.com.
 */
export function pseudoParameters(overrides: Partial<PseudoParameters> = {}): PseudoParameters {
  return {
    region: 'us-east-1',
    accountId: '000000000000',
    partition: 'aws',
    stackName: 'holdline',
    urlSuffix: 'amazonaws.com',
    ...overrides,
  };
}

// `Ref: AWS::NoValue` removes the property it stands in; a marker survives until the enclosing object or array drops it.
const NO_VALUE = Symbol('AWS::NoValue');

type Intrinsic = (args: unknown, ctx: ResolveContext) => unknown;

/** Resolves every intrinsic function in `value`, recursively; objects and arrays are copied, never mutated. */
export function resolveValue(value: unknown, ctx: ResolveContext): unknown {
  const resolved = resolveAny(value, ctx);
  return resolved === NO_VALUE ? undefined : resolved;
}

/** Evaluates a named condition from the template's `Conditions` section. */
export function evaluateCondition(name: string, ctx: ResolveContext): boolean {
  const expression = ctx.conditions?.[name];
  if (expression === undefined) throw new InvalidTemplateError(`condition '${name}' is not defined`);
  return conditionValue(expression, ctx);
}

function resolveAny(value: unknown, ctx: ResolveContext): unknown {
  if (Array.isArray(value))
    return value.map((item) => resolveAny(item, ctx)).filter((item) => item !== NO_VALUE);
  const record = asRecord(value);
  if (record === undefined) return value;
  const keys = Object.keys(record);
  const only = keys.length === 1 ? keys[0] : undefined;
  if (only !== undefined && (only === 'Ref' || only.startsWith('Fn::'))) {
    const intrinsic = intrinsics[only];
    if (intrinsic === undefined) throw new UnsupportedIntrinsicError(only);
    return intrinsic(record[only], ctx);
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const resolved = resolveAny(record[key], ctx);
    if (resolved !== NO_VALUE) out[key] = resolved;
  }
  return out;
}

const intrinsics: Record<string, Intrinsic> = {
  Ref: (args, ctx) => ref(expectString(args, 'Ref'), ctx),
  'Fn::GetAtt': getAtt,
  'Fn::Join': (args, ctx) => {
    const [delimiter, list] = expectArray(args, 'Fn::Join', 2);
    const items = resolveAny(list, ctx);
    if (!Array.isArray(items)) throw new InvalidTemplateError('Fn::Join needs a list');
    return items.map((item) => scalar(item, 'Fn::Join')).join(expectString(delimiter, 'Fn::Join delimiter'));
  },
  'Fn::Sub': sub,
  'Fn::Select': (args, ctx) => {
    const [index, list] = expectArray(args, 'Fn::Select', 2);
    const items = resolveAny(list, ctx);
    const at = Number(resolveAny(index, ctx));
    if (!Array.isArray(items) || !Number.isInteger(at) || at < 0 || at >= items.length) {
      throw new InvalidTemplateError(`Fn::Select index ${String(at)} is out of range`);
    }
    return items[at];
  },
  'Fn::Split': (args, ctx) => {
    const [delimiter, source] = expectArray(args, 'Fn::Split', 2);
    return scalar(resolveAny(source, ctx), 'Fn::Split').split(expectString(delimiter, 'Fn::Split delimiter'));
  },
  'Fn::If': (args, ctx) => {
    const [name, whenTrue, whenFalse] = expectArray(args, 'Fn::If', 3);
    return resolveAny(evaluateCondition(expectString(name, 'Fn::If'), ctx) ? whenTrue : whenFalse, ctx);
  },
  'Fn::FindInMap': (args, ctx) => {
    const [map, top, second] = expectArray(args, 'Fn::FindInMap', 3).map((part) =>
      scalar(resolveAny(part, ctx), 'Fn::FindInMap'),
    ) as [string, string, string];
    const found = asRecord(asRecord(ctx.mappings?.[map])?.[top])?.[second];
    if (found === undefined)
      throw new InvalidTemplateError(`Fn::FindInMap ${map}.${top}.${second} not found`);
    return found;
  },
  'Fn::Base64': (args, ctx) => Buffer.from(scalar(resolveAny(args, ctx), 'Fn::Base64')).toString('base64'),
  'Fn::GetAZs': (_args, ctx) => ['a', 'b', 'c'].map((zone) => `${ctx.pseudo.region}${zone}`),
  'Fn::ToJsonString': (args, ctx) => JSON.stringify(resolveAny(args, ctx)),
  'Fn::Length': (args, ctx) => {
    const items = resolveAny(args, ctx);
    if (!Array.isArray(items)) throw new InvalidTemplateError('Fn::Length needs a list');
    return items.length;
  },
};

function ref(name: string, ctx: ResolveContext): unknown {
  if (name.startsWith('AWS::')) return pseudo(name, ctx);
  const parameter = ctx.parameters?.[name];
  if (parameter !== undefined) return parameter;
  const resource = ctx.resources[name];
  if (resource === undefined) throw new UnresolvableReferenceError(name);
  return resource.ref;
}

function pseudo(name: string, ctx: ResolveContext): unknown {
  const p = ctx.pseudo;
  switch (name) {
    case 'AWS::Region':
      return p.region;
    case 'AWS::AccountId':
      return p.accountId;
    case 'AWS::Partition':
      return p.partition;
    case 'AWS::StackName':
      return p.stackName;
    case 'AWS::URLSuffix':
      return p.urlSuffix;
    case 'AWS::StackId':
      return `arn:${p.partition}:cloudformation:${p.region}:${p.accountId}:stack/${p.stackName}/local`;
    case 'AWS::NotificationARNs':
      return [];
    case 'AWS::NoValue':
      return NO_VALUE;
    default:
      throw new UnresolvableReferenceError(name);
  }
}

function getAtt(args: unknown, ctx: ResolveContext): string {
  let logicalId: string;
  let attribute: string;
  if (typeof args === 'string') {
    // "Queue.Arn" and "Db.Endpoint.Address": the logical id never contains a dot, the attribute may.
    const dot = args.indexOf('.');
    if (dot < 1) throw new InvalidTemplateError(`Fn::GetAtt '${args}' is not LogicalId.Attribute`);
    logicalId = args.slice(0, dot);
    attribute = args.slice(dot + 1);
  } else {
    const [id, attr] = expectArray(args, 'Fn::GetAtt', 2);
    logicalId = expectString(id, 'Fn::GetAtt logical id');
    attribute = scalar(resolveAny(attr, ctx), 'Fn::GetAtt attribute');
  }
  const resource = ctx.resources[logicalId];
  const value = resource?.attrs[attribute];
  if (value === undefined) throw new UnresolvableReferenceError(logicalId, attribute);
  return value;
}

function sub(args: unknown, ctx: ResolveContext): string {
  const [template, vars] = typeof args === 'string' ? [args, {}] : expectArray(args, 'Fn::Sub', 2);
  const text = expectString(template, 'Fn::Sub template');
  const variables = asRecord(vars) ?? {};
  return text.replace(/\$\{([^}]*)\}/g, (_match, name: string) => {
    // `${!Literal}` escapes a dollar-brace that should stay in the output.
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    if (name in variables) return scalar(resolveAny(variables[name], ctx), `Fn::Sub \${${name}}`);
    if (!name.startsWith('AWS::') && name.includes('.')) return getAtt(name, ctx);
    return scalar(ref(name, ctx), `Fn::Sub \${${name}}`);
  });
}

function conditionValue(expression: unknown, ctx: ResolveContext): boolean {
  if (typeof expression === 'boolean') return expression;
  const record = asRecord(expression);
  const [key] = record ? Object.keys(record) : [];
  if (!record || key === undefined) throw new InvalidTemplateError('a condition must be an object');
  const args = record[key];
  switch (key) {
    case 'Condition':
      return evaluateCondition(expectString(args, 'Condition'), ctx);
    case 'Fn::Equals': {
      const [a, b] = expectArray(args, 'Fn::Equals', 2).map((side) => resolveAny(side, ctx));
      return JSON.stringify(a) === JSON.stringify(b) || String(a) === String(b);
    }
    case 'Fn::Not':
      return !conditionValue(expectArray(args, 'Fn::Not', 1)[0], ctx);
    case 'Fn::And':
      return expectArray(args, 'Fn::And').every((part) => conditionValue(part, ctx));
    case 'Fn::Or':
      return expectArray(args, 'Fn::Or').some((part) => conditionValue(part, ctx));
    default:
      throw new UnsupportedIntrinsicError(`${key} in a condition`);
  }
}

function expectArray(value: unknown, what: string, length?: number): unknown[] {
  if (!Array.isArray(value) || (length !== undefined && value.length !== length)) {
    throw new InvalidTemplateError(
      `${what} needs ${length === undefined ? 'a list' : `${length} arguments`}`,
    );
  }
  return value;
}

function expectString(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new InvalidTemplateError(`${what} must be a string`);
  return value;
}

function scalar(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new InvalidTemplateError(`${what} must resolve to a string, got ${JSON.stringify(value)}`);
}
