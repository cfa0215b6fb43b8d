/**
 * `dial` on the mail schemes against the real servers of the interop suite,
 * with curl as the oracle where curl speaks the protocol:
 *
 * - smtp: `dial smtp://host/domain --mail-from --mail-rcpt -T file` delivers
 *   to exim what `curl` with the same arguments delivers, byte for byte; a
 *   refused recipient is exit 55 for both; `-v` shows the conversation in
 *   the shared trace format with the AUTH secret masked.
 *
 * A missing server, curl or openssl FAILS the suite; nothing is skipped.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOOPBACK, requireBinary } from './harness.js';
import { makeTestPKI, type TestPKI } from './ca.js';
import { startExim, startEximWithAuth, waitForDelivery, type SmtpServer } from './mail-servers.js';
import { curl, dial } from '../cli/helpers.js';

const MESSAGE =
  'From: sender@client.test\r\n' +
  'To: bob@mail.test\r\n' +
  'Subject: dial -T over smtp\r\n' +
  '\r\n' +
  '.a line that starts with a dot\r\n' +
  '..and one with two\r\n' +
  '.\r\n' +
  'the end\r\n';

/** exim stores LF line endings. */
const STORED = MESSAGE.replace(/\r\n/g, '\n');

/** The message as exim stored it, without the Received/Return-path/Envelope lines it adds on top. */
function bodyAsStored(raw: Buffer): string {
  const text = raw.toString('utf8');
  const at = text.indexOf('From: sender@client.test');
  assert.ok(at >= 0, `no message in ${JSON.stringify(text.slice(0, 200))}`);
  return text.slice(at);
}

describe('dial smtp:// against exim, curl as the oracle', () => {
  let pki: TestPKI;
  let srv: SmtpServer;
  let auth: SmtpServer;
  let dir: string;
  let file: string;
  const base = () => `smtp://${LOOPBACK}:${srv.port}/client.test`;

  before(async () => {
    requireBinary('curl');
    pki = makeTestPKI();
    [srv, auth] = await Promise.all([startExim(pki, ['bob', 'carol']), startEximWithAuth(pki, ['dora'], { user: 'sender', password: 's3cret-pw' })]);
    dir = mkdtempSync(join(tmpdir(), 'dial-mail-'));
    file = join(dir, 'message.txt');
    writeFileSync(file, MESSAGE);
  });
  after(async () => {
    await Promise.all([srv?.stop(), auth?.stop()]);
    pki?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('-T with --mail-from/--mail-rcpt: exim stores the same bytes from dial as from curl', async () => {
    const args = ['--mail-from', 'sender@client.test', '--mail-rcpt', 'bob@mail.test', '-T', file, '--cacert', pki.ca.certPath];
    const ours = await dial(['-sS', base(), ...args]);
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(ours.stdout.length, 0, 'nothing on stdout for an upload');
    const theirs = await curl(['-sS', '--ssl-reqd', base(), ...args]);
    assert.equal(theirs.code, 0, theirs.stderr);
    const [a, b] = await waitForDelivery(srv, 'bob', 2);
    assert.equal(bodyAsStored(a!), STORED);
    assert.equal(bodyAsStored(b!), bodyAsStored(a!));
  });

  test('a refused recipient: exit 55 from both, and nothing is delivered', async () => {
    const args = ['--mail-from', 'sender@client.test', '--mail-rcpt', 'carol@mail.test', '--mail-rcpt', 'nobody@elsewhere.test', '-T', file, '--cacert', pki.ca.certPath];
    const ours = await dial(['-sS', base(), ...args]);
    const theirs = await curl(['-sS', '--ssl-reqd', base(), ...args]);
    assert.equal(theirs.code, 55, theirs.stderr);
    assert.equal(ours.code, 55, ours.stderr);
    assert.match(ours.stderr, /^dial: \(55\) .*nobody@elsewhere\.test/m);
    assert.equal(srv.delivered('carol').length, 0);
  });

  test('-v: STARTTLS, the envelope and the data summary in the shared trace format; -u logs in, the secret masked', async () => {
    const url = `smtp://${LOOPBACK}:${auth.port}/client.test`;
    const r = await dial(['-sS', '-v', url, '-u', 'sender:s3cret-pw', '--mail-from', 'sender@client.test', '--mail-rcpt', 'dora@mail.test', '-T', file, '--cacert', pki.ca.certPath]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stderr.split('\n');
    for (const want of [/^> EHLO client\.test$/, /^> STARTTLS$/, /^< 220 /, /^> AUTH PLAIN \*+$/, /^> MAIL FROM:<sender@client\.test>/, /^> RCPT TO:<dora@mail\.test>/, /^> DATA$/, /^< 354 /, /^< 250 /, /^> QUIT$/]) {
      assert.ok(lines.some((l) => want.test(l)), `${want} in\n${r.stderr}`);
    }
    assert.ok(!r.stderr.includes('s3cret-pw') && !r.stderr.includes(Buffer.from('\0sender\0s3cret-pw').toString('base64')), 'the password never shows');
    await waitForDelivery(auth, 'dora', 1);
  });
});
