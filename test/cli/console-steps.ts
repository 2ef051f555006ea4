// A guide's ```console blocks as steps: each `$ succession …` line with the output that follows it,
// and the exit status a following `$ echo $?` shows. The walkthrough tests run every step against
// the built CLI, so the guides show real output.

export interface Step {
  command: string;
  output: string;
  status?: number;
}

export function steps(markdown: string): Step[] {
  const out: Step[] = [];
  for (const m of markdown.matchAll(/^```console\n([\s\S]*?)^```$/gm)) {
    let current: { command: string; lines: string[] } | undefined;
    const flush = () => {
      if (current) out.push({ command: current.command, output: current.lines.join('\n') });
      current = undefined;
    };
    const lines = m[1]!.replace(/\n$/, '').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line === '$ echo $?') {
        flush();
        out[out.length - 1]!.status = Number(lines[++i]);
      } else if (line.startsWith('$ ')) {
        flush();
        current = { command: line.slice(2), lines: [] };
      } else {
        current?.lines.push(line);
      }
    }
    flush();
  }
  return out;
}
