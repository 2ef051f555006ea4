import { describe, expect, it } from 'vitest';
import type { ClusterDiff, DiffResult } from '../../src/diff/model.js';
import { htmlText, markdownText, renderMarkdown, renderStylish } from '../../src/diff/render.js';

const hostile = 'db<img src=x onerror=alert(1)>\n**x**|`y`\u001b[31m';

function result(): DiffResult {
  const cluster: ClusterDiff = {
    name: hostile,
    status: 'changed',
    file: { before: 'a.yaml', after: 'a.yaml' },
    policy: [{ setting: 'description', before: 'old', after: hostile, from: 'cluster' }],
    candidates: [{ host: hostile, change: 'added', reasons: ['role backup'] }],
    config: { cmon: [], orchestrator: [], mha: [] },
    deployments: [],
    findings: { added: [], resolved: [] },
    notes: [],
    kinds: ['candidates'],
  };
  return { base: 'main', head: 'working tree', clusters: [cluster], fleet: [], deployments: [], findings: { added: [], resolved: [] }, notes: [], unchanged: 0 };
}

describe('diff output of untrusted text', () => {
  it('cannot add markup, lines or tags to the markdown', () => {
    expect(htmlText(hostile)).toBe('db&lt;img src=x onerror=alert(1)&gt;\\n**x**|`y`\\x1b[31m');
    expect(markdownText(hostile)).toBe('db&lt;img src=x onerror=alert(1)&gt;\\\\n\\*\\*x\\*\\*\\|\\`y\\`\\\\x1b\\[31m');
    const md = renderMarkdown(result());
    expect(md).not.toContain('<img');
    expect(md).not.toContain('\u001b');
    expect(md.split('\n').filter((l) => l.startsWith('<details>'))).toEqual([`<details><summary>${htmlText(hostile)} changed: candidates +1</summary>`]);
  });

  it('cannot add lines or escape sequences to the terminal report', () => {
    const text = renderStylish(result());
    expect(text).not.toContain('\u001b');
    expect(text).toContain('+ db<img src=x onerror=alert(1)>\\n**x**|`y`\\x1b[31m (was not: role backup)');
  });
});
