/**
 * SmtpClient and the smtp: opener against the real exim the suite starts
 * (test/interop/mail-servers.ts), with curl as the second oracle.
 *
 * - STARTTLS required and verified, EHLO capabilities, a pipelined envelope
 *   with one refused recipient: what exim delivers into the maildir equals
 *   the message with LF endings — dot-stuffed lines and bare LF/CR included.
 * - The same message sent by curl (`--ssl-reqd --mail-from --mail-rcpt -T`,
 *   CRLF file) and by the opener is stored byte for byte as ours; curl given
 *   the bare-LF file sends it unconverted and exim loses its line structure,
 *   which is why this client normalises every line ending to CRLF.
 * - AUTH PLAIN and LOGIN against exim's plaintext authenticators (offered
 *   only after TLS), a wrong password, BODY=8BITMIME, SMTPUTF8, RSET/NOOP/VRFY.
 *
 * A missing exim or curl FAILS the suite; nothing is skipped.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SmtpClient, SmtpReplyError, type SmtpConnectOptions } from '../../src/protocols/smtp/index.js';
import { openSmtp } from '../../src/urlopen/schemes/smtp.js';
import type { TraceEvent } from '../../src/trace.js';
import { LOOPBACK } from './harness.js';
import { curl } from './fixtures.js';
import { eximFixture, waitForDelivery } from './mail-servers.js';
import { DOTTED_MESSAGE as MESSAGE, DOTTED_STORED as STORED } from '../helpers/smtp-message.js';

const T = 15_000;

describe('SmtpClient against exim', () => {
  const fx = eximFixture(['bob', 'carol', 'dave', 'erin', 'frank', 'gina', 'hugo']);
  const opts = (extra: Partial<SmtpConnectOptions> = {}): SmtpConnectOptions => ({ host: LOOPBACK, port: fx.server.port, secure: 'starttls', tls: { ca: fx.pki.ca.cert, servername: 'localhost' }, timeout: T, clientName: 'client.test', ...extra });

  test('STARTTLS (verified), pipelined envelope with a refused recipient: the delivered bytes equal the message', async () => {
    const events: TraceEvent[] = [];
    const c = await SmtpClient.connect(opts({ trace: (e) => events.push(e) }));
    assert.equal(c.encrypted, true);
    assert.equal(c.capabilities.domain, fx.server.domain);
    assert.ok(c.capabilities.pipelining && c.capabilities.eightBitMime && c.capabilities.size !== undefined, JSON.stringify([...c.capabilities.keywords.keys()]));
    assert.equal(c.capabilities.startTls, false, 'not offered again after TLS');
    const r = await c.sendMail({ from: 'sender@client.test', to: ['bob@mail.test', 'someone@elsewhere.test', 'carol@mail.test'], data: MESSAGE });
    assert.deepEqual(r.accepted, ['bob@mail.test', 'carol@mail.test']);
    assert.equal(r.rejected.length, 1);
    assert.equal(r.rejected[0]!.address, 'someone@elsewhere.test');
    assert.ok(r.rejected[0]!.code >= 500, r.rejected[0]!.text);
    assert.equal(r.reply.code, 250);
    await c.quit();
    const sent = events.filter((e) => e.kind === '>').map((e) => e.text);
    assert.ok(sent.indexOf('STARTTLS') >= 0 && sent.indexOf('STARTTLS') < sent.findIndex((l) => l.startsWith('MAIL')), sent.join('\n'));
    assert.ok(events.some((e) => e.event === 'tls' && e.data?.tlsVersion?.startsWith('TLS')));
    assert.ok(sent.some((l) => /^MAIL FROM:<sender@client\.test> SIZE=\d+ BODY=8BITMIME$/.test(l)), sent.join('\n'));
    const [bob] = await waitForDelivery(fx.server, 'bob', 1);
    const [carol] = await waitForDelivery(fx.server, 'carol', 1);
    assert.equal(bob!.toString('utf8'), STORED.toString('utf8'));
    assert.ok(carol!.equals(STORED));
  });

  test('a stream body cut at awkward places (a dot, CR|LF split) is delivered the same', async () => {
    const whole = Buffer.from(MESSAGE, 'utf8');
    const cuts = [...new Set([1, 2, whole.indexOf('\r\n\r\n') + 1, whole.indexOf('.leading'), whole.indexOf('\rthen') + 1, whole.length - 3])].sort((a, b) => a - b);
    function* chunks(): Generator<Uint8Array> {
      let at = 0;
      for (const c of cuts) {
        yield whole.subarray(at, c);
        at = c;
      }
      yield whole.subarray(at);
    }
    const c = await SmtpClient.connect(opts());
    await c.sendMail({ from: 'sender@client.test', to: 'dave@mail.test', data: chunks(), size: whole.length });
    await c.quit();
    const [got] = await waitForDelivery(fx.server, 'dave', 1);
    assert.ok(got!.equals(STORED), JSON.stringify(got!.toString()));
  });

  test('curl and the smtp: opener send the same message: exim stores the same bytes as for ours', async () => {
    const crlf = join(fx.pki.dir, 'message-crlf.eml');
    writeFileSync(crlf, MESSAGE.replace(/\r\n|\r|\n/g, '\r\n'));
    curl([`smtp://${LOOPBACK}:${fx.server.port}/client.test`, '--ssl-reqd', '--cacert', fx.pki.ca.certPath, '--mail-from', 'sender@client.test', '--mail-rcpt', 'erin@mail.test', '-T', crlf]);
    const events: string[] = [];
    const r = await openSmtp(new URL(`smtp://${LOOPBACK}:${fx.server.port}/client.test`), {
      tls: { ca: fx.pki.ca.cert, servername: 'localhost' },
      mailFrom: 'sender@client.test',
      mailRcpt: ['frank@mail.test'],
      body: MESSAGE,
      timeout: T,
      trace: (e) => events.push(e.text),
    });
    assert.equal(r.status, 250);
    assert.ok(events.includes('STARTTLS') && events.includes('EHLO client.test'), events.join('\n'));
    const [theirs] = await waitForDelivery(fx.server, 'erin', 1);
    const [opener] = await waitForDelivery(fx.server, 'frank', 1);
    assert.ok(theirs!.equals(STORED), JSON.stringify(theirs!.toString()));
    assert.ok(opener!.equals(STORED), JSON.stringify(opener!.toString()));
  });

  test('why bare line endings are normalised: curl sends a bare-LF file as it is, and exim does not keep its lines', async () => {
    const raw = join(fx.pki.dir, 'message-raw.eml');
    writeFileSync(raw, MESSAGE);
    curl([`smtp://${LOOPBACK}:${fx.server.port}/client.test`, '--ssl-reqd', '--cacert', fx.pki.ca.certPath, '--mail-from', 'sender@client.test', '--mail-rcpt', 'gina@mail.test', '-T', raw]);
    const [theirs] = await waitForDelivery(fx.server, 'gina', 1);
    // Same input as the test above gave the opener, which delivered STORED.
    assert.ok(!theirs!.equals(STORED), 'exim stored the bare-LF lines intact; then this normalisation would be moot');
    assert.ok(!theirs!.toString().includes('\n.leading dot\n'), JSON.stringify(theirs!.toString()));
  });

  test('SMTPUTF8 (RFC 6531): a UTF-8 sender goes out with the SMTPUTF8 parameter and exim delivers it', async () => {
    const sent: string[] = [];
    const c = await SmtpClient.connect(opts({ trace: (e) => e.kind === '>' && sent.push(e.text) }));
    assert.equal(c.capabilities.smtpUtf8, true);
    await c.sendMail({ from: 'sénder@client.test', to: 'hugo@mail.test', data: 'Subject: utf8\n\nhi\n' });
    await c.quit();
    assert.ok(sent.some((l) => l.startsWith('MAIL FROM:<sénder@client.test>') && l.endsWith(' SMTPUTF8')), sent.join('\n'));
    const [got] = await waitForDelivery(fx.server, 'hugo', 1);
    assert.equal(got!.toString(), 'Subject: utf8\n\nhi\n');
  });

  test('one refused recipient: curl fails (exit 55, CURLE_SEND_ERROR) and so does the opener; nothing is delivered', async () => {
    const file = join(fx.pki.dir, 'refused.eml');
    writeFileSync(file, 'Subject: refused\r\n\r\nx\r\n');
    const args = [`smtp://${LOOPBACK}:${fx.server.port}`, '--ssl-reqd', '--cacert', fx.pki.ca.certPath, '--mail-from', 'a@client.test', '--mail-rcpt', 'hugo@mail.test', '--mail-rcpt', 'x@elsewhere.test', '-T', file];
    assert.throws(() => curl(args), /failed \(55\)/);
    await assert.rejects(
      openSmtp(new URL(`smtp://${LOOPBACK}:${fx.server.port}`), { tls: { ca: fx.pki.ca.cert, servername: 'localhost' }, mailFrom: 'a@client.test', mailRcpt: ['hugo@mail.test', 'x@elsewhere.test'], body: 'Subject: refused\n\nx\n', timeout: T }),
      (e: unknown) => e instanceof SmtpReplyError && e.phase === 'rcpt' && e.rejected.length === 1,
    );
    await new Promise((res) => setTimeout(res, 300));
    assert.ok(!fx.server.delivered('hugo').some((m) => m.toString().startsWith('Subject: refused')));
  });

  test('every recipient refused under requireAllRecipients: SmtpReplyError listing them, nothing delivered, session usable', async () => {
    const c = await SmtpClient.connect(opts());
    await assert.rejects(c.sendMail({ from: 'sender@client.test', to: ['bob@mail.test', 'x@elsewhere.test'], data: 'x' }, { requireAllRecipients: true }), (e: unknown) => {
      assert.ok(e instanceof SmtpReplyError);
      assert.deepEqual(e.rejected.map((r) => r.address), ['x@elsewhere.test']);
      return true;
    });
    assert.equal((await c.noop()).code, 250);
    assert.equal((await c.rset()).code, 250);
    // exim's default: VRFY neither confirms nor denies.
    assert.equal((await c.vrfy('bob@mail.test')).code, 252);
    await c.quit();
    assert.equal(fx.server.delivered('bob').length, 1, 'only the first test delivered to bob');
  });
});

describe('SmtpClient AUTH against exim', () => {
  const login = { user: 'ann@mail.test', password: 'open-sesame.42' };
  const token = 'ya29.ann-token';
  const fx = eximFixture(['bob', 'cleo'], { auth: { ...login, token } });
  const opts = (extra: Partial<SmtpConnectOptions> = {}): SmtpConnectOptions => ({ host: LOOPBACK, port: fx.server.port, secure: 'starttls', tls: { ca: fx.pki.ca.cert, servername: 'localhost' }, timeout: T, ...extra });

  test('AUTH PLAIN and AUTH LOGIN after STARTTLS, secrets masked in the trace; then a message goes through', async () => {
    for (const mech of ['PLAIN', 'LOGIN'] as const) {
      const texts: string[] = [];
      const c = await SmtpClient.connect(opts({ auth: { ...login, mechanisms: [mech] }, trace: (e) => texts.push(e.text) }));
      assert.ok(c.capabilities.auth.includes(mech), c.capabilities.auth.join(' '));
      assert.ok(!texts.join('\n').includes(Buffer.from(login.password).toString('base64')), texts.join('\n'));
      assert.ok(!texts.join('\n').includes(Buffer.from(`\0${login.user}\0${login.password}`).toString('base64')));
      assert.ok(texts.some((t) => t.includes(`authenticated as ${login.user} with ${mech}`)));
      await c.sendMail({ from: login.user, to: 'bob@mail.test', data: `Subject: ${mech}\n\nhi\n` });
      await c.quit();
    }
    const got = await waitForDelivery(fx.server, 'bob', 2);
    // exim delivers from its queue, so the two messages may land in either order.
    assert.deepEqual(got.map((b) => b.toString()).sort(), ['Subject: LOGIN\n\nhi\n', 'Subject: PLAIN\n\nhi\n']);
  });

  test('a bearer token: OAUTHBEARER (XOAUTH2 when named) after STARTTLS, as curl --oauth2-bearer logs in; a wrong token is a 535', async () => {
    for (const mechanisms of [undefined, ['XOAUTH2'] as const]) {
      const texts: string[] = [];
      const c = await SmtpClient.connect(opts({ auth: { user: login.user, bearer: token, mechanisms }, trace: (e) => texts.push(e.text) }));
      assert.ok(texts.includes(`AUTH ${mechanisms?.[0] ?? 'OAUTHBEARER'}`) && !texts.join('\n').includes(token), texts.join('\n'));
      await c.sendMail({ from: login.user, to: 'cleo@mail.test', data: `Subject: ${mechanisms?.[0] ?? 'OAUTHBEARER'}\n\nhi\n` });
      await c.quit();
    }
    const file = join(fx.pki.dir, 'oauth-mail.txt');
    writeFileSync(file, 'Subject: curl\r\n\r\nhi\r\n');
    curl([`smtp://localhost:${fx.server.port}/client.test`, '--ssl-reqd', '--cacert', fx.pki.ca.certPath, '--oauth2-bearer', token, '-u', login.user, '--mail-from', login.user, '--mail-rcpt', 'cleo@mail.test', '-T', file]);
    const got = await waitForDelivery(fx.server, 'cleo', 3);
    assert.deepEqual(got.map((b) => b.toString()).sort(), ['Subject: OAUTHBEARER\n\nhi\n', 'Subject: XOAUTH2\n\nhi\n', 'Subject: curl\n\nhi\n']);
    await assert.rejects(SmtpClient.connect(opts({ auth: { user: login.user, bearer: 'ya29.wrong' } })), (e: unknown) => e instanceof SmtpReplyError && e.reply?.code === 535 && e.phase === 'auth');
  });

  test('a wrong password: SmtpReplyError 535, phase auth', async () => {
    await assert.rejects(SmtpClient.connect(opts({ auth: { user: login.user, password: 'wrong' } })), (e: unknown) => e instanceof SmtpReplyError && e.reply?.code === 535 && e.phase === 'auth');
  });

  test('before TLS exim offers no AUTH: a plain-text session refuses to log in (DIAL_E_UNSUPPORTED), nothing sent', async () => {
    await assert.rejects(SmtpClient.connect(opts({ secure: false, auth: login })), { code: 'DIAL_E_UNSUPPORTED' });
  });
});
