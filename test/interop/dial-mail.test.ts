/**
 * `dial` on the mail schemes against the real servers of the interop suite,
 * with curl as the oracle where curl speaks the protocol:
 *
 * - smtp: `dial smtp://host/domain --mail-from --mail-rcpt -T file` delivers
 *   to exim what `curl` with the same arguments delivers, byte for byte; a
 *   refused recipient is exit 55 for both; `-v` shows the conversation in
 *   the shared trace format with the AUTH secret masked.
 *
 * - pop3: `dial pop3://user:pw@host/` (LIST) and `/N` (RETR) print what curl
 *   prints, byte for byte, against dovecot; `-v` masks the password.
 * - news/nntp (curl has none): `dial -T article nntp://host/` posts to INN,
 *   `dial news://host/<id>` reads it back, `nntp://host/group` is the overview.
 *
 * A missing server, curl or openssl FAILS the suite; nothing is skipped.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOOPBACK, requireBinary } from './harness.js';
import { dovecotFixture, eximFixture, waitForDelivery } from './mail-servers.js';
import { innFixture } from './news-server.js';
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
  before(() => requireBinary('curl'));
  const exim = eximFixture(['bob', 'carol']);
  const authed = eximFixture(['dora'], { auth: { user: 'sender', password: 's3cret-pw' } });
  let file: string;
  const base = () => `smtp://${LOOPBACK}:${exim.server.port}/client.test`;

  before(() => {
    file = join(exim.pki.dir, 'message.txt');
    writeFileSync(file, MESSAGE);
  });

  test('-T with --mail-from/--mail-rcpt: exim stores the same bytes from dial as from curl', async () => {
    const args = ['--mail-from', 'sender@client.test', '--mail-rcpt', 'bob@mail.test', '-T', file, '--cacert', exim.pki.ca.certPath];
    const ours = await dial(['-sS', base(), ...args]);
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(ours.stdout.length, 0, 'nothing on stdout for an upload');
    const theirs = await curl(['-sS', '--ssl-reqd', base(), ...args]);
    assert.equal(theirs.code, 0, theirs.stderr);
    const [a, b] = await waitForDelivery(exim.server, 'bob', 2);
    assert.equal(bodyAsStored(a!), STORED);
    assert.equal(bodyAsStored(b!), bodyAsStored(a!));
  });

  test('a refused recipient: exit 55 from both, and nothing is delivered', async () => {
    const args = ['--mail-from', 'sender@client.test', '--mail-rcpt', 'carol@mail.test', '--mail-rcpt', 'nobody@elsewhere.test', '-T', file, '--cacert', exim.pki.ca.certPath];
    const ours = await dial(['-sS', base(), ...args]);
    const theirs = await curl(['-sS', '--ssl-reqd', base(), ...args]);
    assert.equal(theirs.code, 55, theirs.stderr);
    assert.equal(ours.code, 55, ours.stderr);
    assert.match(ours.stderr, /^dial: \(55\) .*nobody@elsewhere\.test/m);
    assert.equal(exim.server.delivered('carol').length, 0);
  });

  test('-v: STARTTLS, the envelope and the data summary in the shared trace format; -u logs in, the secret masked', async () => {
    const url = `smtp://${LOOPBACK}:${authed.server.port}/client.test`;
    const r = await dial(['-sS', '-v', url, '-u', 'sender:s3cret-pw', '--mail-from', 'sender@client.test', '--mail-rcpt', 'dora@mail.test', '-T', file, '--cacert', authed.pki.ca.certPath]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stderr.split('\n');
    for (const want of [/^> EHLO client\.test$/, /^> STARTTLS$/, /^< 220 /, /^> AUTH PLAIN$/, /^> MAIL FROM:<sender@client\.test>/, /^> RCPT TO:<dora@mail\.test>/, /^> DATA$/, /^< 354 /, /^< 250 /, /^> QUIT$/]) {
      assert.ok(lines.some((l) => want.test(l)), `${want} in\n${r.stderr}`);
    }
    assert.ok(!r.stderr.includes('s3cret-pw') && !r.stderr.includes(Buffer.from('\0sender\0s3cret-pw').toString('base64')), 'the password never shows');
    await waitForDelivery(authed.server, 'dora', 1);
  });
});

const FIRST = ['From: a@mail.test', 'Subject: first', '', '.starts with a dot', '.', '..', 'caf\u00e9', ''].join('\n');
const SECOND = ['From: a@mail.test', 'Subject: second', '', 'plain', ''].join('\n');

describe('dial pop3:// against dovecot, curl as the oracle', () => {
  before(() => requireBinary('curl'));
  const fx = dovecotFixture({ alice: { password: 's3cret', messages: [FIRST, SECOND] } });
  const url = (path: string) => `pop3://alice:s3cret@${LOOPBACK}:${fx.server.ports[0]}/${path}`;

  test('no message number lists (LIST), a number retrieves (RETR): the same bytes as curl --ssl-reqd', async () => {
    for (const path of ['', '1', '2']) {
      const ours = await dial(['-sS', '--cacert', fx.pki.ca.certPath, url(path)]);
      const theirs = await curl(['-sS', '--ssl-reqd', '--cacert', fx.pki.ca.certPath, url(path)]);
      assert.equal(theirs.code, 0, theirs.stderr);
      assert.equal(ours.code, 0, ours.stderr);
      assert.ok(ours.stdout.equals(theirs.stdout), `${path || 'LIST'}: ${JSON.stringify(ours.out)} vs ${JSON.stringify(theirs.out)}`);
    }
    const one = await dial(['-sS', '--cacert', fx.pki.ca.certPath, url('1')]);
    assert.equal(one.out, Buffer.from(FIRST.replace(/\n/g, '\r\n'), 'utf8').toString('latin1'), 'dot-unstuffed, CRLF as sent');
  });

  test('a missing message and a wrong password: curl\'s exit codes', async () => {
    const missing = await dial(['-sS', '--cacert', fx.pki.ca.certPath, url('9')]);
    const curlMissing = await curl(['-sS', '--ssl-reqd', '--cacert', fx.pki.ca.certPath, url('9')]);
    assert.equal(curlMissing.code, 8, curlMissing.stderr);
    assert.equal(missing.code, 8, missing.stderr);
    assert.match(missing.stderr, /^dial: \(\d+\) /m);
    const bad = await dial(['-sS', '--cacert', fx.pki.ca.certPath, `pop3://alice:wrong@${LOOPBACK}:${fx.server.ports[0]}/1`]);
    const curlBad = await curl(['-sS', '--ssl-reqd', '--cacert', fx.pki.ca.certPath, `pop3://alice:wrong@${LOOPBACK}:${fx.server.ports[0]}/1`]);
    assert.equal(curlBad.code, 67, curlBad.stderr);
    assert.equal(bad.code, 67, bad.stderr);
  });

  test('--pinnedpubkey and --tls-max reach the STLS connection: a wrong pin is 90 before the login, as curl', async () => {
    const spki = new X509Certificate(readFileSync(fx.pki.server.certPath)).publicKey.export({ type: 'spki', format: 'der' });
    const pin = `sha256//${createHash('sha256').update(spki).digest('base64')}`;
    for (const [extra, code] of [[['--pinnedpubkey', pin, '--tls-max', '1.2'], 0], [['--pinnedpubkey', 'sha256//AAAA'], 90]] as const) {
      const ours = await dial(['-sS', '--cacert', fx.pki.ca.certPath, ...extra, url('2')]);
      const theirs = await curl(['-sS', '--ssl-reqd', '--cacert', fx.pki.ca.certPath, ...extra, url('2')]);
      assert.equal(theirs.code, code, theirs.stderr);
      assert.equal(ours.code, code, ours.stderr);
      assert.ok(ours.stdout.equals(theirs.stdout));
    }
  });

  test('-v: STLS, the login with the password masked, RETR and the data, in the shared trace format', async () => {
    const r = await dial(['-sS', '-v', '--cacert', fx.pki.ca.certPath, url('2')]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stderr.split('\n');
    for (const want of [/^< \+OK/, /^> STLS$/, /^> RETR 2$/, /^> QUIT$/]) assert.ok(lines.some((l) => want.test(l)), `${want} in\n${r.stderr}`);
    assert.ok(!r.stderr.includes('s3cret') && !r.stderr.includes(Buffer.from('\0alice\0s3cret').toString('base64')), 'the password never shows');
  });
});

describe('dial news:// and nntp:// against INN', () => {
  const fx = innFixture();

  test('-T posts an article; news://host/<id> reads it back; nntp://host/group lists it in the overview', async () => {
    const mid = `<dial.${process.pid}.${Date.now()}@dialtone.test>`;
    const file = join(fx.pki.dir, 'article.txt');
    writeFileSync(file, [`From: tester@news.test`, `Newsgroups: ${fx.server.group}`, 'Subject: posted by dial', `Message-ID: ${mid}`, '', '.a dotted line', 'the end', ''].join('\r\n'));
    const host = `${LOOPBACK}:${fx.server.port}`;
    const post = await dial(['-sS', '--cacert', fx.pki.ca.certPath, '-T', file, `nntp://${host}/`]);
    assert.equal(post.code, 0, post.stderr);
    const got = await dial(['-sS', '--cacert', fx.pki.ca.certPath, `news://${host}/${encodeURIComponent(mid.slice(1, -1))}`]);
    assert.equal(got.code, 0, got.stderr);
    assert.match(got.out, /^Subject: posted by dial\r$/m);
    assert.match(got.out, /\r\n\r\n\.a dotted line\r\nthe end\r\n$/);
    const overview = await dial(['-sS', '--cacert', fx.pki.ca.certPath, `nntp://${host}/${fx.server.group}`]);
    assert.equal(overview.code, 0, overview.stderr);
    assert.ok(overview.out.split('\n').some((l) => l.includes('posted by dial') && l.includes(mid)), overview.out);
    const none = await dial(['-sS', '--cacert', fx.pki.ca.certPath, `news://${host}/no-such-article@dialtone.test`]);
    assert.equal(none.code, 78, `a missing article is "remote file not found": ${none.stderr}`);
  });
});
