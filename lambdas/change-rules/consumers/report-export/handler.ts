import { changeConsumer } from '../change-consumer.ts';

// Not built yet (docs/change-rules.md): the export to S3. The rule routes here, and the request is logged.
export const handler = changeConsumer('report-export', async () => 'not-implemented');
