import { describe, expect, it } from 'vitest';
import { terminalText } from '../../src/util/terminal-text.js';
import { run } from './helpers.js';

// `simulate`'s text through the built CLI: colour by the findings output's rules, and what `check`
// says about the same topology, word for word.

const DRIFTED = ['simulate', 'shop', '--topology', 'test/simulate/fixtures/shop-drifted.json'];
const ESC = '\u001b[';

describe('simulate text output', () => {
  it('colours only when asked: --color, FORCE_COLOR; never with --no-color, nor when the output is no terminal', () => {
    const plain = run(DRIFTED, { env: { FORCE_COLOR: '0' } });
    expect(plain.status).toBe(0);
    expect(plain.stdout).not.toContain(ESC);
    const flag = run([...DRIFTED, '--color'], { env: { NO_COLOR: '1' } });
    expect(flag.stdout).toContain(`  promoted: ${ESC}32mrha-db-03:3306${ESC}0m`);
    expect(run(DRIFTED, { env: { FORCE_COLOR: '1' } }).stdout).toContain(ESC);
    expect(run([...DRIFTED, '--no-color'], { env: { FORCE_COLOR: '1' } }).stdout).not.toContain(ESC);
    expect(run([...DRIFTED, '--each-single-failure', '--color']).stdout).toContain(`${ESC}1mworst case: `);
    // Colour is for the text; JSON never carries it.
    expect(run([...DRIFTED, '--color', '-f', 'json']).stdout).not.toContain(ESC);
  });

  it('shows every live finding check reports on the same topology, and the disagreement first', () => {
    const check = run(['check', '--topology', 'test/simulate/fixtures/shop-drifted.json', '-f', 'json']);
    expect(check.status).toBe(1);
    const shop = (JSON.parse(check.stdout) as { findings: { file: string; ruleId: string; message: string }[] }).findings.filter((f) => f.file === 'policies/clusters/shop.yaml');
    expect(shop.length).toBeGreaterThan(0);
    for (const each of [false, true]) {
      const sim = run([...DRIFTED, ...(each ? ['--each-single-failure'] : [])], { env: { NO_COLOR: '1' } });
      expect(sim.stderr).toBe('');
      for (const f of shop) expect(sim.stdout).toContain(`${terminalText(f.message)}  ${f.ruleId}\n`);
    }
    const lines = run(DRIFTED, { env: { NO_COLOR: '1' } }).stdout.split('\n');
    expect(lines[1]).toBe('engines disagree: orchestrator promotes rha-db-02:3306, cmon promotes rha-db-03:3306, MHA promotes rha-db-02:3306');
    const each = run([...DRIFTED, '--each-single-failure'], { env: { NO_COLOR: '1' } }).stdout.split('\n');
    expect(each).toContain('rha-db-01:3306 (primary)        cmon          rha-db-03:3306 ⚠                10s');
    expect(each).toContain('⚠: check reports an error on the promoted host');
    // The example topology matches its policy: no disagreement, nothing from check.
    const clean = run(['simulate', 'shop', '--topology', 'policies/topology.json'], { env: { NO_COLOR: '1' } }).stdout;
    expect(clean).not.toContain('engines disagree');
    expect(clean).not.toContain('succession check on this topology');
    expect(run(['simulate', 'shop', '--topology', 'policies/topology.json', '--each-single-failure'], { env: { NO_COLOR: '1' } }).stdout).not.toContain('⚠');
  });
});
