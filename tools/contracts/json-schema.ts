import { z } from 'zod';
import type { Contract } from './registry.ts';

/** A JSON Schema document, as z.toJSONSchema writes it (draft 2020-12). */
export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  description?: string;
  [keyword: string]: unknown;
};

/**
 * The JSON Schema of a contract, without `$id` (the version is decided by comparing with what is published).
 * `io: 'input'`: what a message may look like on the wire, so a plain z.object stays open to added fields.
 */
export function contractJsonSchema(contract: Contract): JsonSchema {
  const schema = z.toJSONSchema(contract.schema, { io: 'input', target: 'draft-2020-12' }) as JsonSchema;
  const { $schema, ...rest } = schema;
  return { $schema, title: contract.name, description: contract.summary, ...rest };
}
