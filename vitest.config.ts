import { defineConfig } from 'vitest/config';

// One run, two kinds of test: `*.test.ts` beside the code need nothing running;
// `*.it.test.ts` talk to the real local cloud, which globalSetup starts once and stops after.
export default defineConfig({
  test: {
    include: ['{cdk,lambdas,localstack,drills,sql,scripts,web,services,tools}/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/cdk.out/**', '**/.holdline/**'],
    globalSetup: ['localstack/test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 240_000,
    fileParallelism: false,
    pool: 'forks',
    reporters: ['default', './scripts/plain-summary-reporter.ts'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
