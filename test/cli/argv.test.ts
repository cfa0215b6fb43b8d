import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeArgv, OPTION_SPECS } from '../../src/cli/argv.js';

test('a short cluster becomes long options; the first letter taking a value swallows the rest of the word', () => {
  assert.deepEqual(normalizeArgv(['-sSfL', '-ofile', 'u']), ['--silent', '--show-error', '--fail', '--location', '--output=file', 'u']);
  assert.deepEqual(normalizeArgv(['-sofile']), ['--silent', '--output=file']);
});

test('an option taking a value takes the next word, whatever it looks like (curl: -d -x, -C -)', () => {
  assert.deepEqual(normalizeArgv(['-o', 'x', 'u']), ['--output=x', 'u']);
  assert.deepEqual(normalizeArgv(['--data', '-x', 'u']), ['--data=-x', 'u']);
  assert.deepEqual(normalizeArgv(['-C', '-']), ['--continue-at=-']);
  assert.deepEqual(normalizeArgv(['-so', '--', 'u']), ['--silent', '--output=--', 'u']);
});

test('words already in parseArgs form, flags and positionals pass through unchanged', () => {
  assert.deepEqual(normalizeArgv(['--data=a', 'b', '--verbose', 'u', '-']), ['--data=a', 'b', '--verbose', 'u', '-']);
});

test('-- ends the rewriting: every word after it is kept as it is', () => {
  assert.deepEqual(normalizeArgv(['-s', '--', '-d', 'x', '--header']), ['--silent', '--', '-d', 'x', '--header']);
});

test('a value option at the very end, or an unknown name or letter, is left for parseArgs to refuse', () => {
  assert.deepEqual(normalizeArgv(['-o']), ['--output']);
  assert.deepEqual(normalizeArgv(['--header']), ['--header']);
  assert.deepEqual(normalizeArgv(['--nosuch', 'x']), ['--nosuch', 'x']);
  // 'W' is no short option: the whole cluster goes through untouched, not half-rewritten.
  assert.deepEqual(normalizeArgv(['-sW', 'x']), ['-sW', 'x']);
});

test('every short letter names one option only', () => {
  const shorts = Object.values(OPTION_SPECS).flatMap((s) => ('short' in s ? [s.short] : []));
  assert.equal(new Set(shorts).size, shorts.length);
});

test('--no-X turns a boolean option off, as curl: the X before it (long, short or in a cluster) go, one after it wins', () => {
  assert.deepEqual(normalizeArgv(['-sL', '--no-location', 'u']), ['--silent', 'u']);
  assert.deepEqual(normalizeArgv(['--location', '--no-location', '-L', 'u']), ['--location', 'u']);
  assert.deepEqual(normalizeArgv(['-v', '--no-verbose', '--no-silent', 'u']), ['u']);
  // Options whose own name starts with no- are themselves; a value-taking option or an unknown one is left for the parser to judge.
  assert.deepEqual(normalizeArgv(['--no-clobber', '--no-buffer', 'u']), ['--no-clobber', '--no-buffer', 'u']);
  assert.deepEqual(normalizeArgv(['--no-output', '--no-bogus']), ['--no-output', '--no-bogus']);
  // A value that looks like a negation is a value, and -- ends the options.
  assert.deepEqual(normalizeArgv(['-L', '-d', '--no-location', '--', '--no-location']), ['--location', '--data=--no-location', '--', '--no-location']);
});
