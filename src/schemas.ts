import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SCHEMA_DIR } from './policy/schema.js';

/**
 * The JSON Schemas of the documents succession reads, by the name `succession schema NAME` takes.
 * They ship in the package's schemas/ directory (package.json `files`).
 */
export const SCHEMA_FILES = {
  policy: 'policy.schema.json',
  fleet: 'fleet.schema.json',
  topology: 'topology.schema.json',
  config: 'config.schema.json',
} as const;

export type SchemaName = keyof typeof SCHEMA_FILES;

export const SCHEMA_NAMES = Object.keys(SCHEMA_FILES) as SchemaName[];

export function isSchemaName(name: string): name is SchemaName {
  return Object.hasOwn(SCHEMA_FILES, name);
}

/** Absolute path of a schema in this installation, or undefined when this installation lacks it. */
export function installedSchemaPath(name: SchemaName): string | undefined {
  const path = fileURLToPath(new URL(SCHEMA_FILES[name], SCHEMA_DIR));
  return existsSync(path) ? path : undefined;
}
