import { Fn, RemovalPolicy } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  type BehaviorOptions,
  CachePolicy,
  Distribution,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';

/** Paths CloudFront sends to the HTTP API; the local web server (localstack/web/server.ts) mirrors them. */
export const API_PATH_PATTERNS = ['/orders', '/orders/*', '/oncall/*'] as const;

export interface WebHostingProps {
  httpApi: IHttpApi;
  /** Upload this built directory (web/dist) with a BucketDeployment. Omitted in tests and plain synths. */
  distDir?: string;
}

/**
 * The web UI in AWS: a private S3 bucket (origin access control, no public access) behind CloudFront, with the
 * API's paths on the same distribution, so the page and the API share an origin (no CORS) and the token travels
 * only over HTTPS. API paths are never cached and get every viewer header except Host (Authorization included).
 */
export class WebHosting extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: WebHostingProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Site', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const apiDomain = Fn.select(2, Fn.split('/', props.httpApi.apiEndpoint));
    const api: BehaviorOptions = {
      origin: new HttpOrigin(apiDomain, { protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY }),
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
    };
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Holdline web UI and order API',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
      },
      additionalBehaviors: Object.fromEntries(API_PATH_PATTERNS.map((path) => [path, api])),
    });
    if (props.distDir)
      new BucketDeployment(this, 'Deploy', {
        sources: [Source.asset(props.distDir)],
        destinationBucket: this.bucket,
        distribution: this.distribution,
        distributionPaths: ['/index.html'],
      });
  }
}
