import {
  BucketAlreadyOwnedByYou,
  CreateBucketCommand,
  HeadBucketCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { ProvisionInput, ProvisionOutput } from './types.ts';

/**
 * Creates the bucket, or reuses the one there. Ref = name; attrs Arn, DomainName, RegionalDomainName. Lifecycle,
 * encryption and the bucket policy are not applied locally (the provisioning notes say so): the emulator keeps
 * objects until the cloud is deleted, and nothing local reads them anonymously.
 */
export async function provisionBucket(s3: S3Client, input: ProvisionInput): Promise<ProvisionOutput> {
  const { name, props } = input;
  let status: ProvisionOutput['status'] = 'updated';
  if (!(await exists(s3, name))) {
    try {
      // us-east-1 takes no location constraint; any other region must name itself.
      const region = input.pseudo.region;
      await s3.send(
        new CreateBucketCommand({
          Bucket: name,
          ...(region === 'us-east-1'
            ? {}
            : { CreateBucketConfiguration: { LocationConstraint: region as never } }),
        }),
      );
      status = 'created';
    } catch (error) {
      if (!(error instanceof BucketAlreadyOwnedByYou)) throw error;
    }
  }
  for (const ignored of ['LifecycleConfiguration', 'BucketEncryption'] as const) {
    if (props[ignored] !== undefined) input.warn(`${input.logicalId}: ${ignored} is not applied locally`);
  }
  return {
    status,
    ref: name,
    attrs: {
      Arn: `arn:${input.pseudo.partition}:s3:::${name}`,
      DomainName: `${name}.s3.amazonaws.com`,
      RegionalDomainName: `${name}.s3.${input.pseudo.region}.amazonaws.com`,
    },
  };
}

async function exists(s3: S3Client, bucket: string): Promise<boolean> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
      return false;
    throw error;
  }
}
