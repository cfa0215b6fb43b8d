/**
 * The mail options from a command line to urlopen's options (src/cli/mail-args.ts):
 * each one given becomes its option, none given adds nothing, and a value
 * that starts with a dash is still taken as the value, as curl takes it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCliArgs } from '../../src/cli/args.js';
import { mailOpenOptions } from '../../src/cli/mail-args.js';

test('every mail option given becomes its urlopen option', () => {
  const o = parseCliArgs(['--mail-rcpt-allowfails', '--mail-auth', '<s@x>', '--sasl-ir', '--sasl-authzid', 'bob', '--login-options', 'AUTH=LOGIN', '--mail-from', 'a@x', '--mail-rcpt', 'b@y', 'smtp://h/']);
  assert.deepEqual(mailOpenOptions(o), { mailFrom: 'a@x', mailRcpt: ['b@y'], mailRcptAllowFails: true, mailAuth: '<s@x>', saslIr: true, saslAuthzid: 'bob', loginOptions: 'AUTH=LOGIN' });
});

test('none given adds nothing; --no-sasl-ir turns --sasl-ir off again; an empty --mail-auth is AUTH=<>, kept', () => {
  assert.deepEqual(mailOpenOptions(parseCliArgs(['smtp://h/'])), {});
  assert.deepEqual(mailOpenOptions(parseCliArgs(['--sasl-ir', '--no-sasl-ir', '--mail-rcpt-allowfails', '--no-mail-rcpt-allowfails', 'smtp://h/'])), {});
  assert.deepEqual(mailOpenOptions(parseCliArgs(['--mail-auth', '', 'smtp://h/'])), { mailAuth: '' });
  assert.deepEqual(mailOpenOptions(parseCliArgs(['--sasl-authzid', '-x', 'smtp://h/'])), { saslAuthzid: '-x' });
});
