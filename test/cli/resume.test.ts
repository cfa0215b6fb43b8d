import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideResume } from '../../src/cli/resume.js';
import { CliExit } from '../../src/cli/exit-codes.js';

const ans = (status: number, contentLength: string | null = null, contentRange: string | null = null) => ({ status, contentLength, contentRange });
const exit33 = (e: unknown) => e instanceof CliExit && e.exitCode === 33;

test('no resume: always write everything', () => {
  assert.deepEqual(decideResume(ans(200), 0, 0, false), { action: 'write', skip: 0 });
});

test('206 from the asked offset is appended; from elsewhere is refused', () => {
  assert.deepEqual(decideResume(ans(206, '10', 'bytes 100-109/110'), 100, 0, true), { action: 'write', skip: 0 });
  assert.throws(() => decideResume(ans(206, '10', 'bytes 0-9/110'), 100, 0, true), exit33);
  // A range that cannot be read cannot be appended safely either.
  for (const bad of [null, '', 'bytes 100-99/110', 'bytes 100-109', 'items 100-109/110']) {
    assert.throws(() => decideResume(ans(206, '10', bad), 100, 0, true), exit33, String(bad));
  }
});

test('-C and a server that ignores Range: exit 33, unless the file is already complete', () => {
  assert.throws(() => decideResume(ans(200, '500'), 100, 0, true), exit33);
  assert.deepEqual(decideResume(ans(200, '100'), 100, 0, true), { action: 'complete' });
});

test('a retry answered in full skips what is already written', () => {
  assert.deepEqual(decideResume(ans(200, '500'), 300, 300, false), { action: 'write', skip: 300 });
});

test('416: complete when the size matches, else exit 33', () => {
  assert.deepEqual(decideResume(ans(416, '0', 'bytes */100'), 100, 0, true), { action: 'complete' });
  assert.throws(() => decideResume(ans(416, '0', 'bytes */50'), 100, 0, true), exit33);
});

test('other statuses (404, 500) are left to -f and --retry', () => {
  assert.deepEqual(decideResume(ans(404), 100, 0, true), { action: 'write', skip: 0 });
});
