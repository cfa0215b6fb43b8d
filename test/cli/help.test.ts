import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OPTION_SPECS } from '../../src/cli/args.js';
import { HELP } from '../../src/cli/help.js';

test('every option named in --help is one the parser knows', () => {
  const named = [...HELP.matchAll(/--([a-z0-9-]+(?:\.[0-9]+)?)/g)].map((m) => m[1]!);
  assert.ok(named.length > 40);
  for (const n of named) assert.ok(n in OPTION_SPECS, `--${n} is in the help but not in the parser`);
});

test('every short option in --help maps to the same long option as the parser', () => {
  for (const m of HELP.matchAll(/^ -(\w), --([a-z0-9-]+(?:\.[0-9]+)?)/gm)) {
    const spec = (OPTION_SPECS as Record<string, { short?: string }>)[m[2]!];
    assert.equal(spec?.short, m[1], `-${m[1]} / --${m[2]}`);
  }
});

test('every option the parser knows is documented in --help', () => {
  for (const name of Object.keys(OPTION_SPECS)) assert.ok(HELP.includes(`--${name}`), `--${name} is missing from the help`);
});
