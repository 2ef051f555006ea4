import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { OrchestratorRelease } from '../policy/model.js';
import { SCHEMA_DIR } from '../policy/schema.js';

export const ORCHESTRATOR_SCHEMA_ID = 'https://succession.dev/schemas/orchestrator-config.schema.json';

interface KeySchema {
  type: string[];
  default?: unknown;
  description: string;
  'x-percona-only'?: boolean;
  /** The releases that read a percona-only key; absent when every release reads the key. */
  'x-releases'?: OrchestratorRelease[];
}

interface OrchestratorSchema {
  properties: Record<string, KeySchema>;
}

let cache: { schema: OrchestratorSchema; validate: ValidateFunction } | undefined;

function load(): NonNullable<typeof cache> {
  if (!cache) {
    const schema = JSON.parse(readFileSync(new URL('orchestrator-config.schema.json', SCHEMA_DIR), 'utf8')) as OrchestratorSchema;
    // why: every key accepts null (orchestrator keeps the default), hence union types.
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    ajv.addKeyword({ keyword: 'x-percona-only', schemaType: 'boolean' });
    ajv.addKeyword({ keyword: 'x-releases', schemaType: 'array' });
    cache = { schema, validate: ajv.compile(schema) };
  }
  return cache;
}

/** The compiled validator of `schemas/orchestrator-config.schema.json`. */
export function orchestratorConfigValidator(): ValidateFunction {
  return load().validate;
}

/** Every orchestrator configuration key with its schema (type, default, percona-only flag). */
export function orchestratorKeys(): Readonly<Record<string, KeySchema>> {
  return load().schema.properties;
}

/** Whether this orchestrator release reads the key; a release that does not ignores it silently. */
export function releaseReads(release: OrchestratorRelease, key: string): boolean {
  const schema = orchestratorKeys()[key];
  return schema !== undefined && (schema['x-releases']?.includes(release) ?? true);
}
