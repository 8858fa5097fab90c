import { createServer, type Server } from 'node:http';

/** What a deployed stack would answer: its resources (in template order) and outputs. */
export interface RecordedStack {
  name: string;
  /** Logical id → resource type, as the synthesized template lists them. */
  resources: [logicalId: string, type: string][];
  /** Physical ids the rehearsal made real (secrets, the topic); the rest get a placeholder. */
  physicalIds: Record<string, string>;
  outputs: Record<string, string>;
}

export interface RecordedCloudFormation {
  url: string;
  /** Stands in for `cdk destroy`: from now on the stack does not exist. */
  destroy(): void;
  close(): Promise<void>;
}

/** CloudFormation's page size for ListStackResources: what made `describe-stack-resources` (no paging) stop at 100. */
const pageSize = 100;
const ns = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const el = (name: string, value: string) => `<${name}>${xml(value)}</${name}>`;

/**
 * Answers the two CloudFormation calls the guide's look-ups make (ListStackResources, paged as AWS pages it,
 * and DescribeStacks) for a recorded stack, over the query protocol the AWS CLI speaks. Point the CLI at it with
 * `AWS_ENDPOINT_URL_CLOUDFORMATION`: the emulators' CloudFormation cannot hold a template of this size with the
 * physical ids the other services know.
 */
export function startRecordedCloudFormation(stack: RecordedStack): Promise<RecordedCloudFormation> {
  let deleted = false;
  const created = new Date().toISOString();
  const respond = (action: string, params: URLSearchParams): [number, string] => {
    if (params.get('StackName') !== stack.name || deleted)
      return [
        400,
        `<ErrorResponse xmlns="${ns}"><Error><Type>Sender</Type><Code>ValidationError</Code>${el('Message', `Stack with id ${params.get('StackName')} does not exist`)}</Error><RequestId>r</RequestId></ErrorResponse>`,
      ];
    if (action === 'ListStackResources') {
      const start = Number(params.get('NextToken') ?? 0);
      const page = stack.resources.slice(start, start + pageSize);
      const members = page
        .map(
          ([id, type]) =>
            `<member>${el('LogicalResourceId', id)}${el('PhysicalResourceId', stack.physicalIds[id] ?? `${stack.name}-${id}`)}${el('ResourceType', type)}${el('LastUpdatedTimestamp', created)}${el('ResourceStatus', 'CREATE_COMPLETE')}</member>`,
        )
        .join('');
      const next = start + pageSize < stack.resources.length ? el('NextToken', String(start + pageSize)) : '';
      return [
        200,
        `<ListStackResourcesResponse xmlns="${ns}"><ListStackResourcesResult><StackResourceSummaries>${members}</StackResourceSummaries>${next}</ListStackResourcesResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListStackResourcesResponse>`,
      ];
    }
    if (action === 'DescribeStacks') {
      const outputs = Object.entries(stack.outputs)
        .map(([k, v]) => `<member>${el('OutputKey', k)}${el('OutputValue', v)}</member>`)
        .join('');
      return [
        200,
        `<DescribeStacksResponse xmlns="${ns}"><DescribeStacksResult><Stacks><member>${el('StackName', stack.name)}${el('StackId', `arn:aws:cloudformation:us-east-1:000000000000:stack/${stack.name}/rehearsal`)}${el('CreationTime', created)}${el('StackStatus', 'CREATE_COMPLETE')}<Outputs>${outputs}</Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeStacksResponse>`,
      ];
    }
    return [
      400,
      `<ErrorResponse xmlns="${ns}"><Error><Type>Sender</Type><Code>InvalidAction</Code>${el('Message', `not recorded: ${action}`)}</Error><RequestId>r</RequestId></ErrorResponse>`,
    ];
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      const params = new URLSearchParams(body);
      const [status, text] = respond(params.get('Action') ?? '', params);
      res.writeHead(status, { 'content-type': 'text/xml' }).end(text);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        url: `http://127.0.0.1:${port}`,
        destroy: () => {
          deleted = true;
        },
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}
