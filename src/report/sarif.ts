import type { Finding } from '../findings.js';
import { docsUrl, type Rule } from '../rules/rule.js';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

export interface SarifTool {
  version: string;
  rules: readonly Rule[];
}

function uri(file: string): string {
  // why: code scanning resolves artifact URIs relative to the checkout; keep them relative and slash-separated.
  return file.split('\\').join('/').replace(/^\.\//, '');
}

/** SARIF 2.1.0 for code-scanning upload: 1-based columns, rule metadata with help URIs. */
export function formatSarif(findings: readonly Finding[], tool: SarifTool): string {
  const rules = tool.rules.map((r) => ({
    id: r.id,
    name: r.id,
    shortDescription: { text: r.description },
    helpUri: docsUrl(r.id),
    defaultConfiguration: { level: LEVEL[r.severity] },
  }));
  const index = new Map(tool.rules.map((r, i) => [r.id, i]));
  const results = findings.map((f) => {
    const result: Record<string, unknown> = {
      ruleId: f.ruleId,
      level: LEVEL[f.severity],
      message: { text: f.hint ? `${f.message} ${f.hint}` : f.message },
      locations: [location(f)],
    };
    const i = index.get(f.ruleId);
    if (i !== undefined) result.ruleIndex = i;
    if (f.related?.length) {
      result.relatedLocations = f.related.map((r, id) => ({ id, ...location(r), message: { text: r.message } }));
    }
    return result;
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'succession',
            version: tool.version,
            informationUri: 'https://github.com/succession-dev/succession',
            rules,
          },
        },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function location(f: { file: string; line: number; column: number; endLine: number; endColumn: number }) {
  return {
    physicalLocation: {
      artifactLocation: { uri: uri(f.file) },
      region: {
        startLine: Math.max(1, f.line),
        startColumn: Math.max(1, f.column),
        endLine: Math.max(f.line, f.endLine),
        endColumn: Math.max(f.endLine > f.line ? 1 : f.column + 1, f.endColumn),
      },
    },
  };
}
