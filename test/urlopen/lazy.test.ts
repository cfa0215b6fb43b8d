/**
 * `dial` starts fast because urlopen loads a scheme's protocol stack only when
 * a URL of that scheme is opened. Walks the static import graph of the
 * compiled urlopen entry point and checks it never reaches a protocol client
 * or the socket layer (dynamic `import()` is not followed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('../../src/urlopen/index.js', import.meta.url));
const STATIC = /^\s*(?:import|export)\s[^;]*?\sfrom\s+'(\.[^']+)'|^\s*import\s+'(\.[^']+)'/gm;

function staticGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(STATIC)) stack.push(resolve(dirname(file), m[1] ?? m[2]!));
  }
  return seen;
}

test('importing urlopen loads no protocol client and no socket code', () => {
  const files = [...staticGraph(ENTRY)].map((f) => f.slice(f.lastIndexOf('/src/') + 1));
  assert.ok(files.includes('src/urlopen/registry.js'), files.join('\n'));
  const heavy = files.filter((f) => f.startsWith('src/protocols/') || f.startsWith('src/socket/') || /schemes\/(http|ftp|gopher|file)\.js$/.test(f));
  assert.deepEqual(heavy, []);
});
