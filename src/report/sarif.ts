import { isAbsolute, sep } from 'node:path';
import type { Finding } from '../findings.js';
import { docsUrl, type Rule } from '../rules/rule.js';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

export interface SarifTool {
  version: string;
  rules: readonly Rule[];
}

/**
 * A finding's file as an RFC 3986 URI: relative paths stay relative references (code scanning
 * resolves them against the checkout), absolute paths become `file://` URIs. Each path segment is
 * percent-encoded as UTF-8 but for the unreserved characters and `!'()*`, so spaces, `#`, `?`,
 * `%`, `:` and non-ASCII names round-trip (`decodeURIComponent` per segment gives the name back)
 * and a first segment with `:` is not read as a scheme. (A lone surrogate, which has no UTF-8 form,
 * becomes U+FFFD.)
 */
export function artifactUri(file: string): string {
  const segments = file.split(sep);
  const encoded = segments.map((s) => encodeURIComponent(s.replace(/\p{Cs}/gu, '\ufffd'))).join('/');
  if (isAbsolute(file)) return `file://${encoded}`;
  return encoded.replace(/^(\.\/)+/, '');
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
      artifactLocation: { uri: artifactUri(f.file) },
      region: {
        startLine: Math.max(1, f.line),
        startColumn: Math.max(1, f.column),
        endLine: Math.max(f.line, f.endLine),
        endColumn: Math.max(f.endLine > f.line ? 1 : f.column + 1, f.endColumn),
      },
    },
  };
}
