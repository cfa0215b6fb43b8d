/**
 * Summarizes V8 .cpuprofile files (from `npm run bench -- --cpu-prof DIR`):
 * self time per function, the top lines, plus the share spent in dialtone's
 * own code (dist/src), node internals, and GC.
 *
 *   node dist/bench/profile-summary.js DIR/<workload> [--top 25]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const topArg = args.indexOf('--top');
const top = topArg >= 0 ? Number(args[topArg + 1]) : 25;
const target = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--top');
if (!target) {
  console.error('usage: profile-summary <file.cpuprofile | dir> [--top N]');
  process.exit(2);
}
const files = statSync(target).isDirectory()
  ? readdirSync(target)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => join(target, f))
  : [target];

const self = new Map<string, number>();
const groups = new Map<string, number>();
let total = 0;
for (const f of files) {
  const p = JSON.parse(readFileSync(f, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    const n = byId.get(id);
    if (!n) return;
    const cf = n.callFrame;
    const where = cf.url ? cf.url.replace(/^file:\/\/.*?\/(src|bench|node_modules)\//, '$1/') : '';
    const key = `${cf.functionName || '(anonymous)'} ${where}${where ? ':' + (cf.lineNumber + 1) : ''}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    const group = /^file:.*\/src\//.test(cf.url) && !cf.url.includes('/node_modules/')
      ? 'dialtone (src)'
      : /^file:.*\/bench\//.test(cf.url)
        ? 'bench client'
        : cf.url.startsWith('node:')
          ? 'node internals'
          : cf.functionName === '(garbage collector)'
            ? 'GC'
            : cf.functionName === '(idle)' || cf.functionName === '(program)'
              ? cf.functionName
              : cf.url
                ? 'other JS'
                : 'native/other';
    groups.set(group, (groups.get(group) ?? 0) + dt);
    total += dt;
  });
}
const pct = (v: number) => ((v / total) * 100).toFixed(1).padStart(5) + ' %';
console.log(`${files.length} profile(s), ${(total / 1000).toFixed(0)} ms sampled\n`);
for (const [g, v] of [...groups].sort((a, b) => b[1] - a[1])) console.log(`${pct(v)}  ${g}`);
console.log('');
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(v)}  ${k}`);
