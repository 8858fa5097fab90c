import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { Annotations, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  FunctionEventType,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginRequestPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { fromRepoRoot } from '../paths.ts';
import { EdgeWebAcl } from './edge-web-acl.ts';
import { spaFallbackFunction } from './spa-fallback.ts';

/** Where the built UI is by default (web/ builds it with `vite build`); context `webDist` overrides it. */
export const DEFAULT_WEB_DIST = 'web/dist';

/** Paths CloudFront forwards to the HTTP API (the customer's orders, the on-call gauges): one origin, no CORS. */
export const API_PATH_PATTERNS = ['/orders', '/orders/*', '/oncall/*'] as const;

/**
 * The UI's Content-Security-Policy: everything from this origin only (the API is served under it too), no
 * framing by anyone (clickjacking), no plugins, no <base> or form targets elsewhere.
 */
export const UI_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export interface WebHostingProps {
  /** The order API's endpoint (`https://<id>.execute-api.<region>.amazonaws.com`): served under `/orders`, `/orders/*` and `/oncall/*`. */
  apiEndpoint: string;
  /** The host the API paths are forwarded to (`OrderApi.originDomain`). */
  apiOriginDomain: string;
  /** Built UI directory, repo-relative or absolute. Deployed only if it holds an `index.html`. */
  distDir: string;
}

/**
 * The web UI: a private, encrypted S3 bucket that only CloudFront reads (origin access control), a distribution
 * that serves it over HTTPS and forwards the API paths (`/orders`, `/orders/*`, `/oncall/*`) to the order API (one origin, so the browser needs no CORS),
 * and the built files uploaded on deploy. Without a built UI the bucket and distribution still exist (so the
 * template, and the diagram generated from it, do not depend on a build), and synth warns that nothing is served.
 */
export class WebHosting extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly webAcl: EdgeWebAcl;
  /** Absent when the UI was not built. */
  readonly deployment?: BucketDeployment;

  constructor(scope: Construct, id: string, props: WebHostingProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Only build output lives here; `cdk destroy` empties and removes it.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    const apiOrigin = new HttpOrigin(props.apiOriginDomain);
    this.webAcl = new EdgeWebAcl(this, 'WebAcl');
    const securityHeaders = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Holdline UI: CSP, HSTS, no framing',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: UI_CONTENT_SECURITY_POLICY, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: {
          referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
          override: true,
        },
      },
    });
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Holdline web UI',
      webAclId: this.webAcl.webAclArn,
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      // North America and Europe edges only: the cheapest class, enough for a sandbox.
      priceClass: PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: securityHeaders,
        // A single-page app: client-side routes render index.html. Here, not as distribution-wide error
        // responses, so the API behaviours keep their own 403 and 404.
        functionAssociations: [
          { eventType: FunctionEventType.VIEWER_REQUEST, function: spaFallbackFunction(this, 'SpaFallback') },
        ],
      },
      // The API is never cached, and gets every viewer header but Host (API Gateway routes on its own host).
      additionalBehaviors: Object.fromEntries(
        API_PATH_PATTERNS.map((path) => [
          path,
          {
            origin: apiOrigin,
            viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
            allowedMethods: AllowedMethods.ALLOW_ALL,
            cachePolicy: CachePolicy.CACHING_DISABLED,
            originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
            responseHeadersPolicy: securityHeaders,
          },
        ]),
      ),
    });

    const dist = isAbsolute(props.distDir) ? props.distDir : fromRepoRoot(props.distDir);
    if (existsSync(join(dist, 'index.html'))) {
      this.deployment = new BucketDeployment(this, 'Deployment', {
        sources: [Source.asset(dist), Source.jsonData('config.json', { apiUrl: props.apiEndpoint })],
        destinationBucket: this.bucket,
        distribution: this.distribution,
        distributionPaths: ['/*'],
        memoryLimit: 512,
      });
    } else {
      Annotations.of(this).addWarningV2(
        'holdline:web-not-built',
        `No built UI at ${dist} (no index.html): the distribution will serve nothing. Build web/ first ` +
          '(`npm run build` there) or pass -c webDist=<dir>.',
      );
    }
    this.acknowledgeFindings();
  }

  private acknowledgeFindings(): void {
    const ack = (scope: Construct, rule: string, reason: string) =>
      Validations.of(scope).acknowledge({ id: `AwsSolutions-${rule}`, reason });
    ack(
      this.bucket,
      'S1',
      'The bucket holds only public build output and is read by CloudFront alone; requests are visible in ' +
        'CloudFront metrics, and a server access log bucket would cost more than the UI bucket itself.',
    );
    ack(
      this.distribution,
      'CFR1',
      'No geo restriction: the UI shows no data by itself, and the API behind it decides who may see an order.',
    );
    ack(
      this.distribution,
      'CFR3',
      'No CloudFront standard logs for the sandbox: they need an ACL-enabled log bucket; the API access log ' +
        'records every /orders request.',
    );
    ack(
      this.distribution,
      'CFR4',
      'The default *.cloudfront.net certificate fixes the viewer TLS policy (TLSv1); a custom domain with its ' +
        'own ACM certificate and TLSv1.2_2021 is the production path.',
    );
    ack(
      this.distribution,
      'CFR5',
      'The API origin is API Gateway, reached over HTTPS only (HttpOrigin default https-only); cdk-nag ' +
        'cannot see the protocol policy through the token-valued domain.',
    );
    // The upload runs as a CDK-provided singleton Lambda under the stack, outside this construct.
    if (this.deployment !== undefined) {
      ack(
        this.deployment.handlerRole,
        'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'CDK BucketDeployment handler: the AWS-managed basic execution policy grants only its own logging.',
      );
      ack(
        this.deployment.handlerRole,
        'IAM5[Action::s3:GetObject*]',
        'CDK BucketDeployment handler: it reads the staged assets and writes the UI bucket with CDK-generated ' +
          'object-level grants (s3:GetObject*, s3:List*, s3:DeleteObject*, s3:Abort*) scoped to those two buckets.',
      );
      for (const rule of [
        'IAM5[Action::s3:GetBucket*]',
        'IAM5[Action::s3:List*]',
        'IAM5[Action::s3:DeleteObject*]',
        'IAM5[Action::s3:Abort*]',
        'IAM5[Resource::*]',
        `IAM5[Resource::<${Stack.of(this).resolve((this.bucket.node.defaultChild as CfnBucket).logicalId)}.Arn>/*]`,
        'IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
      ])
        ack(
          this.deployment.handlerRole,
          rule,
          'CDK BucketDeployment handler: wildcard grants are generated by CDK, limited to the asset bucket and ' +
            'the UI bucket, plus cloudfront:CreateInvalidation (which has no resource-level permission).',
        );
      for (const child of Stack.of(this).node.children) {
        if (child.node.id.startsWith('Custom::CDKBucketDeployment'))
          ack(
            child as Construct,
            'L1',
            "The runtime of CDK's BucketDeployment handler is chosen by aws-cdk-lib, not by us; it is " +
              'updated with the library.',
          );
      }
    }
  }
}
