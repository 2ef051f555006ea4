import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { SCHEMA_DIR } from '../policy/schema.js';

export const ORCHESTRATOR_SCHEMA_ID = 'https://succession.dev/schemas/orchestrator-config.schema.json';

interface KeySchema {
  type: string[];
  default?: unknown;
  description: string;
  'x-percona-only'?: boolean;
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
