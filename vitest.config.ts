import { defineConfig } from 'vitest/config';

const everywhere = '{cdk,lambdas,localstack,drills,sql,scripts,web,services,tools,contracts}';
const shared = {
  exclude: ['**/node_modules/**', '**/cdk.out/**', '**/.holdline/**'],
  // The test processes run on the machine's Node (package.json engines: >= 20.19), which the AWS SDK warns about
  // below 22. The Lambda workers they start run on the Node their Runtime names (22) and get no such setting.
  env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
};
// What integration tests talk to: a real Postgres and the emulators, started once per run; each test worker gets
// their addresses at its start-up.
const realParts = {
  globalSetup: ['localstack/test/global-setup.ts'],
  setupFiles: ['localstack/test/worker-env.ts'],
};

// Three projects by cost. `unit` (`*.test.ts` beside the code) starts no process: `npm run test:unit`, seconds.
// `integration` (`*.it.test.ts`) talks to the real local cloud. `drills` runs every drill and bench in quick mode,
// each on a cloud of its own. `npm test` runs all three.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 240_000,
    fileParallelism: false,
    pool: 'forks',
    reporters: ['default', './scripts/plain-summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          ...shared,
          name: 'unit',
          // aws-cdk-lib's built-in CloudFormation validator (a WebAssembly engine, seconds to load per process, then
          // more per synth) only warns unless @aws-cdk/core:validateAgainstDefaultRules is set, which it is not: no
          // unit test can fail on it. `cdk synth` keeps it.
          env: { ...shared.env, CDK_VALIDATION: 'false' },
          // Nothing shared to collide on: use both cores (vitest's default on two cores is one worker).
          fileParallelism: true,
          maxWorkers: 2,
          // One module graph per worker, not one process per file: aws-cdk-lib loads and warms up once, and a
          // template synthesized for one file serves the next (cdk/test/template.ts). No unit test mocks modules;
          // the ones that stub env or spy on clients restore them in afterAll.
          isolate: false,
          include: [`${everywhere}/**/*.test.ts`],
          exclude: [...shared.exclude, '**/*.it.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          ...shared,
          ...realParts,
          name: 'integration',
          include: [`${everywhere}/**/*.it.test.ts`],
          exclude: [...shared.exclude, 'drills/quick-mode-*.it.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          ...shared,
          name: 'drills',
          include: ['drills/quick-mode-*.it.test.ts'],
          // Two lanes side by side: the cloud drills in one file, the light ones in the other (drills/quick-mode.ts).
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
    ],
  },
});
