import { inject } from 'vitest';
import { type AwsAccess, awsAccessEnv } from '../../lambdas/shared/aws-access.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The emulators the global setup started. */
    aws: AwsAccess;
    /** DATABASE_URL (the API's login) and the admin and other logins' URLs of the Postgres the global setup started. */
    databaseEnv: Record<string, string>;
  }
}

// A test worker's start-up: a process boundary. Product code under test (handlers, stores) reads its cloud and
// database from the environment, as it does in a Lambda, so the worker's environment gets them here, once.
// Test code itself passes `testAws()` explicitly.
Object.assign(process.env, awsAccessEnv(inject('aws')), inject('databaseEnv'));
