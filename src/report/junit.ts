import type { Finding } from '../findings.js';

const SEVERITY = { error: 'Error', warning: 'Warning', info: 'Info' } as const;

/** Text as XML 1.0 may hold it: markup escaped, and characters XML forbids shown as escapes. */
function xml(text: string): string {
  return text
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|\p{Cs}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * JUnit XML as CI servers read test reports (GitLab, Jenkins, Azure): one test suite per file
 * with findings, one failing test case per finding, named after its rule; a clean run is one
 * passing test case, so the report is never empty.
 */
export function formatJunit(findings: readonly Finding[]): string {
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  const suites = [...byFile].map(([file, list]) => {
    const cases = list.map((f) => {
      const text = `line ${f.line}, col ${f.column}, ${SEVERITY[f.severity]} - ${f.message}${f.hint ? ` ${f.hint}` : ''} (${f.ruleId})`;
      return `    <testcase time="0" name="succession.${xml(f.ruleId)}" classname="${xml(file)}"><failure message="${xml(f.message)}" type="${f.severity}">${xml(text)}</failure></testcase>`;
    });
    const failures = list.filter((f) => f.severity !== 'info').length;
    return [`  <testsuite package="succession" time="0" tests="${list.length}" failures="${failures}" errors="0" name="${xml(file)}">`, ...cases, '  </testsuite>'].join('\n');
  });
  const body = suites.length > 0 ? suites : ['  <testsuite package="succession" time="0" tests="1" failures="0" errors="0" name="succession">', '    <testcase time="0" name="succession.clean" classname="succession"/>', '  </testsuite>'];
  return ['<?xml version="1.0" encoding="utf-8"?>', '<testsuites>', ...body, '</testsuites>', ''].join('\n');
}
