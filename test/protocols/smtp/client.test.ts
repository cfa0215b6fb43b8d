/**
 * SmtpClient against the in-process FakeSmtpServer: STARTTLS and implicit
 * TLS, AUTH PLAIN/LOGIN/CRAM-MD5 and OAUTHBEARER/XOAUTH2 with masked
 * traces, EHLO→HELO fallback,
 * pipelined and plain envelopes, per-recipient results, SIZE/BODY/SMTPUTF8,
 * streamed data, RSET/NOOP/VRFY/QUIT, cancellation and the busy rule.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AbortError, InputError, LimitError, NetworkError, TLSError, TimeoutError } from '../../../src/errors.js';
import { SmtpClient, SmtpReplyError } from '../../../src/protocols/smtp/index.js';
import type { TraceEvent } from '../../../src/trace.js';
import { makeTestPKI, type TestPKI } from '../../interop/ca.js';
import { BEARER_ERROR, FakeSmtpServer } from './fake-server.js';

let pki: TestPKI;
const servers: FakeSmtpServer[] = [];
const users = { alice: 's3cret-pw' };
const T = 5000;

async function server(o: Parameters<typeof FakeSmtpServer.start>[0] = {}): Promise<FakeSmtpServer> {
  const s = await FakeSmtpServer.start({ users, ...o });
  servers.push(s);
  return s;
}
before(() => {
  pki = makeTestPKI();
});
after(async () => {
  for (const s of servers) await s.close();
  pki?.cleanup();
});
const tlsOf = () => ({ cert: pki.server.cert, key: pki.server.key });
const BODY = 'From: a@x.test\nTo: b@x.test\nSubject: dots\n\n.leading dot\n..two\n.\nbare LF above, CRLF here\r\nend';

describe('connecting', () => {
  test('opportunistic STARTTLS by default, EHLO again after TLS, AUTH PLAIN masked in the trace', async () => {
    const s = await server({ tls: tlsOf() });
    const events: TraceEvent[] = [];
    const c = await SmtpClient.connect({ host: 'localhost', port: s.port, tls: { ca: pki.ca.cert }, timeout: T, clientName: 'client.test', auth: { user: 'alice', password: 's3cret-pw' }, trace: (e) => events.push(e) });
    assert.equal(c.encrypted, true);
    assert.equal(c.greeting?.code, 220);
    assert.equal(c.capabilities.startTls, false, 'the post-TLS EHLO no longer offers STARTTLS');
    assert.deepEqual(s.commands.slice(0, 4), ['EHLO client.test', 'STARTTLS', 'EHLO client.test', s.commands[3]]);
    assert.match(s.commands[3]!, /^AUTH CRAM-MD5$/);
    assert.ok(events.some((e) => e.event === 'connected' && e.data?.remotePort === s.port));
    assert.ok(events.some((e) => e.event === 'tls' && typeof e.data?.tlsVersion === 'string'));
    const sent = events.filter((e) => e.kind === '>').map((e) => e.text);
    assert.ok(!sent.some((t) => t.includes(Buffer.from('alice').toString('base64').slice(0, 6)) && !t.startsWith('AUTH')), sent.join('\n'));
    assert.ok(sent.includes('****'), 'the CRAM-MD5 response is masked');
    await c.quit();
    assert.equal(c.closed, true);
  });

  test('AUTH PLAIN and LOGIN: the secret lines never reach the trace', async () => {
    const s = await server({ tls: tlsOf(), ehlo: ['AUTH PLAIN LOGIN'] });
    for (const mech of ['PLAIN', 'LOGIN'] as const) {
      const texts: string[] = [];
      const c = await SmtpClient.connect({ host: 'localhost', port: s.port, secure: 'starttls', tls: { ca: pki.ca.cert }, timeout: T, auth: { user: 'alice', password: 's3cret-pw', mechanisms: [mech] }, trace: (e) => texts.push(e.text) });
      const all = texts.join('\n');
      for (const secret of [Buffer.from('\0alice\0s3cret-pw').toString('base64'), Buffer.from('s3cret-pw').toString('base64'), Buffer.from('alice').toString('base64')]) {
        assert.ok(!all.includes(secret), `${mech}: ${all}`);
      }
      assert.ok(texts.includes(mech === 'PLAIN' ? 'AUTH PLAIN ****' : 'AUTH LOGIN'), all);
      await c.quit();
    }
  });

  test('a wrong password: SmtpReplyError 535 with enhanced code 5.7.8, phase auth', async () => {
    const s = await server({ tls: tlsOf() });
    await assert.rejects(SmtpClient.connect({ host: 'localhost', port: s.port, tls: { ca: pki.ca.cert }, timeout: T, auth: { user: 'alice', password: 'wrong' } }), (e: unknown) => {
      assert.ok(e instanceof SmtpReplyError);
      assert.equal(e.reply?.code, 535);
      assert.equal(e.enhancedCode, '5.7.8');
      assert.equal(e.phase, 'auth');
      assert.ok(!e.message.includes('wrong'));
      return true;
    });
  });

  test('PLAIN without TLS is refused before the password is sent; CRAM-MD5 is allowed', async () => {
    const s = await server({ ehlo: ['AUTH PLAIN LOGIN'] });
    await assert.rejects(SmtpClient.connect({ host: '127.0.0.1', port: s.port, secure: false, timeout: T, auth: { user: 'alice', password: 's3cret-pw' } }), InputError);
    assert.ok(!s.commands.some((l) => l.startsWith('AUTH')), s.commands.join('|'));
    const ok = await SmtpClient.connect({ host: '127.0.0.1', port: s.port, secure: false, timeout: T, allowPlaintextAuth: true, auth: { user: 'alice', password: 's3cret-pw' } });
    await ok.quit();
    const s2 = await server({ ehlo: ['AUTH CRAM-MD5'] });
    const cram = await SmtpClient.connect({ host: '127.0.0.1', port: s2.port, secure: false, timeout: T, auth: { user: 'alice', password: 's3cret-pw' } });
    assert.equal(cram.encrypted, false);
    await cram.quit();
  });

  test('no offered mechanism: InputError DIAL_E_UNSUPPORTED', async () => {
    const s = await server({ ehlo: ['AUTH XOAUTH2'] });
    await assert.rejects(SmtpClient.connect({ host: '127.0.0.1', port: s.port, secure: false, timeout: T, auth: { user: 'a', password: 'b' } }), { code: 'DIAL_E_UNSUPPORTED' });
  });

  test('a bearer token: AUTH OAUTHBEARER (preferred, as curl) then the message after the empty 334; XOAUTH2 when only it is offered; the token masked', async () => {
    const tokens = { alice: 'ya29.good-token' };
    const s = await server({ tls: tlsOf(), tokens, ehlo: ['AUTH PLAIN XOAUTH2 OAUTHBEARER CRAM-MD5'] });
    const texts: string[] = [];
    const c = await SmtpClient.connect({ host: 'localhost', port: s.port, tls: { ca: pki.ca.cert }, timeout: T, auth: { user: 'alice', bearer: tokens.alice }, trace: (e) => texts.push(e.text) });
    const at = s.commands.indexOf('AUTH OAUTHBEARER');
    assert.ok(at > 0, s.commands.join('|'));
    assert.equal(Buffer.from(s.commands[at + 1]!, 'base64').toString(), `n,a=alice,\x01host=localhost\x01port=${s.port}\x01auth=Bearer ya29.good-token\x01\x01`);
    assert.ok(texts.includes('AUTH OAUTHBEARER') && texts.includes('****') && !texts.join('\n').includes(s.commands[at + 1]!), texts.join('\n'));
    await c.sendMail({ from: 'alice@x.test', to: 'b@x.test', data: 'Subject: t\r\n\r\nhi\r\n' });
    await c.quit();
    const s2 = await server({ tls: tlsOf(), tokens, ehlo: ['AUTH PLAIN XOAUTH2'] });
    const x = await SmtpClient.connect({ host: 'localhost', port: s2.port, tls: { ca: pki.ca.cert }, timeout: T, auth: { user: 'alice', bearer: tokens.alice } });
    const i = s2.commands.indexOf('AUTH XOAUTH2');
    assert.equal(Buffer.from(s2.commands[i + 1]!, 'base64').toString(), 'user=alice\x01auth=Bearer ya29.good-token\x01\x01');
    await x.quit();
  });

  test('a refused token: the error challenge is answered (AQ== / an empty line), the 535 is an SmtpReplyError carrying the reason, and the session goes on', async () => {
    const s = await server({ tls: tlsOf(), tokens: { alice: 'good' }, ehlo: ['AUTH OAUTHBEARER XOAUTH2'] });
    const c = await SmtpClient.connect({ host: 'localhost', port: s.port, tls: { ca: pki.ca.cert }, timeout: T });
    for (const mech of ['OAUTHBEARER', 'XOAUTH2'] as const) {
      const from = s.commands.length;
      await assert.rejects(c.authenticate({ user: 'alice', bearer: 'expired' }, { mechanisms: [mech] }), (e: unknown) => {
        assert.ok(e instanceof SmtpReplyError, String(e));
        assert.equal(e.reply?.code, 535);
        assert.equal(e.phase, 'auth');
        assert.ok(e.message.includes('"status":"invalid_token"') && !e.message.includes('expired'), e.message);
        return true;
      });
      assert.deepEqual(s.commands.slice(from).filter((_, k) => k !== 1), [`AUTH ${mech}`, mech === 'OAUTHBEARER' ? 'AQ==' : '']);
    }
    assert.ok(BEARER_ERROR.includes('invalid_token'));
    await c.noop();
    await c.authenticate({ user: 'alice', bearer: 'good' });
    await c.quit();
  });

  test('a bearer token is never traded for a password mechanism, nor sent in the clear; a bad token is refused before sending', async () => {
    const s = await server({ tls: tlsOf(), tokens: { alice: 'good' }, ehlo: ['AUTH PLAIN LOGIN CRAM-MD5'] });
    await assert.rejects(SmtpClient.connect({ host: 'localhost', port: s.port, tls: { ca: pki.ca.cert }, timeout: T, auth: { user: 'alice', password: 'pw', bearer: 'good' } }), { code: 'DIAL_E_UNSUPPORTED' });
    const plain = await server({ tokens: { alice: 'good' }, ehlo: ['AUTH OAUTHBEARER'] });
    await assert.rejects(SmtpClient.connect({ host: '127.0.0.1', port: plain.port, secure: false, timeout: T, auth: { user: 'alice', bearer: 'good' } }), /in the clear/);
    await assert.rejects(SmtpClient.connect({ host: '127.0.0.1', port: plain.port, secure: false, timeout: T, auth: { user: 'alice', bearer: 'bad\x01auth=Bearer x' } }), InputError);
    await assert.rejects(SmtpClient.connect({ host: '127.0.0.1', port: plain.port, secure: false, timeout: T, auth: { user: 'alice', mechanisms: ['OAUTHBEARER'] } }), /needs a bearer token/);
    const both = await server({ tokens: { alice: 'good' }, ehlo: ['AUTH OAUTHBEARER CRAM-MD5'] });
    await assert.rejects(SmtpClient.connect({ host: '127.0.0.1', port: both.port, secure: false, timeout: T, auth: { user: 'alice', bearer: 'good', mechanisms: ['CRAM-MD5'] } }), /needs a password/);
    assert.ok(!both.commands.some((l) => l.startsWith('AUTH')), both.commands.join('|'));
    for (const srv of [s, plain]) assert.ok(!srv.commands.some((l) => l.startsWith('AUTH')), srv.commands.join('|'));
    const ok = await SmtpClient.connect({ host: '127.0.0.1', port: plain.port, secure: false, allowPlaintextAuth: true, timeout: T, auth: { user: 'alice', bearer: 'good' } });
    await ok.quit();
  });

  test("STARTTLS required and not offered: TLSError; opportunistic carries on in the clear", async () => {
    const s = await server();
    await assert.rejects(SmtpClient.connect({ host: '127.0.0.1', port: s.port, secure: 'starttls', timeout: T }), TLSError);
    const notes: string[] = [];
    const c = await SmtpClient.connect({ host: '127.0.0.1', port: s.port, timeout: T, trace: (e) => notes.push(e.text) });
    assert.equal(c.encrypted, false);
    assert.ok(notes.some((n) => /does not offer STARTTLS/.test(n)));
    await c.quit();
  });

  test('implicit TLS (smtps), and an untrusted certificate is DIAL_E_TLS_CERT', async () => {
    const s = await server({ tls: tlsOf(), implicit: true });
    const c = await SmtpClient.connect({ host: 'localhost', port: s.port, secure: 'implicit', tls: { ca: pki.ca.cert }, timeout: T });
    assert.equal(c.encrypted, true);
    await c.quit();
    await assert.rejects(SmtpClient.connect({ host: 'localhost', port: s.port, secure: 'implicit', tls: { ca: pki.untrustedCA.cert }, timeout: T }), { code: 'DIAL_E_TLS_CERT' });
    const st = await server({ tls: tlsOf() });
    await assert.rejects(SmtpClient.connect({ host: 'localhost', port: st.port, secure: 'starttls', tls: { ca: pki.untrustedCA.cert }, timeout: T }), { code: 'DIAL_E_TLS_CERT' });
  });

  test('EHLO refused with 502: HELO fallback, no extensions used', async () => {
    const s = await server({ ehloReply: '502 5.5.1 what' });
    const events: TraceEvent[] = [];
    const c = await SmtpClient.connect({ host: '127.0.0.1', port: s.port, timeout: T, clientName: 'old.test', trace: (e) => events.push(e) });
    assert.equal(c.capabilities.esmtp, false);
    const r = await c.sendMail({ from: 'a@x.test', to: 'b@x.test', data: 'hi\n' });
    assert.equal(r.reply.code, 250);
    assert.ok(events.some((e) => e.kind === '>' && e.text === '' && e.bytes === 3), 'a data summary, never the body');
    assert.ok(s.commands.includes('HELO old.test'));
    assert.equal(s.messages[0]?.mailLine, 'MAIL FROM:<a@x.test>', 'no SIZE or BODY without EHLO');
    await c.quit();
  });

  test('bad input to connect is refused before connecting', async () => {
    await assert.rejects(SmtpClient.connect({ host: 'a\r\nb', timeout: T }), InputError);
    await assert.rejects(SmtpClient.connect({ host: '127.0.0.1', port: 1, clientName: 'bad name', timeout: T }), InputError);
    await assert.rejects(SmtpClient.connect({ host: '127.0.0.1', port: 1, secure: 'tls' as 'implicit', timeout: T }), InputError);
  });
});

describe('sending', () => {
  let s: FakeSmtpServer;
  let c: SmtpClient;
  before(async () => {
    s = await server({ reject: ['nobody@x.test'], ehlo: ['PIPELINING', 'SIZE 1000', '8BITMIME', 'SMTPUTF8', 'ENHANCEDSTATUSCODES'] });
    c = await SmtpClient.connect({ host: '127.0.0.1', port: s.port, timeout: T });
  });
  after(() => c?.quit());

  test('dot-stuffing and bare LF → CRLF on the wire; SIZE counts the normalised bytes', async () => {
    const r = await c.sendMail({ from: 'a@x.test', to: ['b@x.test', 'c@x.test'], data: BODY });
    assert.deepEqual(r.accepted, ['b@x.test', 'c@x.test']);
    assert.deepEqual(r.rejected, []);
    assert.equal(r.reply.code, 250);
    const m = s.messages.at(-1)!;
    const want = 'From: a@x.test\r\nTo: b@x.test\r\nSubject: dots\r\n\r\n..leading dot\r\n...two\r\n..\r\nbare LF above, CRLF here\r\nend\r\n';
    assert.equal(m.raw.toString('latin1'), want);
    assert.equal(m.mailLine, `MAIL FROM:<a@x.test> SIZE=${want.length - 3}`, 'SIZE excludes the 3 stuffed dots');
  });

  test('some recipients refused: the message goes to the rest, the refusals are reported', async () => {
    const r = await c.sendMail({ from: 'a@x.test', to: ['b@x.test', 'nobody@x.test'], data: 'x' });
    assert.deepEqual(r.accepted, ['b@x.test']);
    assert.equal(r.rejected.length, 1);
    assert.deepEqual({ ...r.rejected[0], text: undefined }, { address: 'nobody@x.test', code: 550, enhancedCode: '5.1.1', text: undefined });
    assert.deepEqual(s.messages.at(-1)!.to, ['b@x.test']);
  });

  test('requireAllRecipients, or every recipient refused: SmtpReplyError listing them, RSET, no DATA', async () => {
    const before = s.messages.length;
    const n = s.commands.length;
    await assert.rejects(c.sendMail({ from: 'a@x.test', to: ['b@x.test', 'nobody@x.test'], data: 'x' }, { requireAllRecipients: true }), (e: unknown) => {
      assert.ok(e instanceof SmtpReplyError);
      assert.equal(e.phase, 'rcpt');
      assert.deepEqual(e.rejected.map((r) => r.address), ['nobody@x.test']);
      return true;
    });
    await assert.rejects(c.sendMail({ from: 'a@x.test', to: ['nobody@x.test'], data: 'x' }), { reply: { code: 550, text: '5.1.1 <nobody@x.test>: no such user' } });
    assert.equal(s.messages.length, before);
    const cmds = s.commands.slice(n);
    assert.ok(!cmds.includes('DATA') && cmds.filter((l) => l === 'RSET').length === 2, cmds.join('|'));
    assert.equal((await c.noop()).code, 250, 'the session is still usable');
  });

  test('SIZE over the server limit is a LimitError before MAIL; 8-bit data gets BODY=8BITMIME; UTF-8 addresses SMTPUTF8', async () => {
    const n = s.commands.length;
    await assert.rejects(c.sendMail({ from: 'a@x.test', to: 'b@x.test', data: 'x'.repeat(2000) }), LimitError);
    assert.equal(s.commands.length, n);
    await c.sendMail({ from: 'a@x.test', to: 'b@x.test', data: 'Subject: grüße\n\nü\n' });
    assert.match(s.messages.at(-1)!.mailLine, / BODY=8BITMIME$/);
    await c.sendMail({ from: 'ü@x.test', to: 'b@x.test', data: 'x\n' });
    assert.match(s.messages.at(-1)!.mailLine, /^MAIL FROM:<ü@x\.test> SIZE=3 SMTPUTF8$/);
  });

  test('a stream body with onProgress; its declared size goes in SIZE', async () => {
    const seen: number[] = [];
    async function* chunks() {
      yield Buffer.from('Subject: s\n\n.');
      yield 'dot at a chunk start\n';
      yield Buffer.from('.second\n');
    }
    await c.sendMail({ from: 'a@x.test', to: 'b@x.test', data: chunks(), size: 40 }, { onProgress: (n) => seen.push(n) });
    assert.equal(s.messages.at(-1)!.raw.toString(), 'Subject: s\r\n\r\n..dot at a chunk start\r\n..second\r\n');
    assert.match(s.messages.at(-1)!.mailLine, /SIZE=40$/);
    assert.deepEqual(seen, [13, 34, 42]);
  });

  test('unsafe envelopes are refused with InputError and nothing is sent', async () => {
    const n = s.commands.length;
    for (const bad of [{ from: 'a@x\r\nRCPT TO:<evil@x>', to: 'b@x' }, { from: 'a@x', to: ['b@x', 'c@x>\r\nDATA'] }, { from: 'a@x', to: '<b@x>' }, { from: 'a@x', to: [] }, { from: 'a@x', to: `${'l'.repeat(65)}@x` }]) {
      await assert.rejects(c.sendMail({ ...bad, data: 'x' }), InputError, JSON.stringify(bad));
    }
    await assert.rejects(c.sendMail({ from: 'a@x', to: 'b@x', data: 42 as unknown as string }), InputError);
    assert.equal(s.commands.length, n);
  });

  test('RSET, NOOP, VRFY; a second operation while one runs is an InputError', async () => {
    assert.equal((await c.rset()).code, 250);
    assert.equal((await c.vrfy('alice@x.test')).code, 250);
    assert.equal((await c.vrfy('who@x.test')).code, 252);
    await assert.rejects(c.vrfy('a\r\nb'), InputError);
    const p = c.noop();
    await assert.rejects(c.noop(), /busy/);
    assert.equal((await p).code, 250);
  });
});

test('without PIPELINING each command waits for its reply; a non-ASCII address without SMTPUTF8 is DIAL_E_UNSUPPORTED', async () => {
  const s = await server({ ehlo: ['8BITMIME'] });
  const c = await SmtpClient.connect({ host: '127.0.0.1', port: s.port, timeout: T });
  await c.sendMail({ from: 'a@x', to: ['b@x', 'c@x'], data: 'x' });
  assert.deepEqual(s.commands.slice(1), ['MAIL FROM:<a@x>', 'RCPT TO:<b@x>', 'RCPT TO:<c@x>', 'DATA']);
  await assert.rejects(c.sendMail({ from: 'a@x', to: 'ü@x', data: 'x' }), { code: 'DIAL_E_UNSUPPORTED' });
  await c.sendMail({ from: 'a@x', to: 'b@x', data: 'x', body: '7BIT' });
  assert.equal(s.messages.at(-1)!.mailLine, 'MAIL FROM:<a@x> BODY=7BIT');
  await c.quit();
});

test('a 421 ends the session: SmtpReplyError, then DIAL_E_CLOSED', async () => {
  const s = await server({ hook: (l) => (l === 'NOOP' ? '421 4.3.2 shutting down\r\n' : undefined) });
  const c = await SmtpClient.connect({ host: '127.0.0.1', port: s.port, timeout: T });
  await assert.rejects(c.noop(), (e: unknown) => e instanceof SmtpReplyError && e.transient && e.enhancedCode === '4.3.2');
  assert.equal(c.closed, true);
  await assert.rejects(c.noop(), NetworkError);
});

test('a body source that fails mid-DATA ends the session: closed is true, the message is not stored', async () => {
  const s = await server();
  const c = await SmtpClient.connect({ host: '127.0.0.1', port: s.port, timeout: T });
  async function* body() {
    yield 'Subject: half\r\n\r\nfirst line\r\n';
    throw new Error('disk read failed');
  }
  await assert.rejects(c.sendMail({ from: 'a@x', to: 'b@x', data: body() }), (e: unknown) => e instanceof InputError && /source failed/.test((e as Error).message));
  // Before: closed stayed false, though the line layer had closed the connection (no terminator was sent).
  assert.equal(c.closed, true);
  await assert.rejects(c.noop());
  assert.equal(s.messages.length, 0);
});

test('a silent server: TimeoutError; an abort: AbortError — either closes the session', async () => {
  const s = await server({ hook: (l) => (l.startsWith('MAIL') || l === 'NOOP' ? '' : undefined), ehlo: [] });
  const c = await SmtpClient.connect({ host: '127.0.0.1', port: s.port, timeout: T });
  await assert.rejects(c.sendMail({ from: 'a@x', to: 'b@x', data: 'x' }, { timeout: 100 }), TimeoutError);
  assert.equal(c.closed, true);
  const c2 = await SmtpClient.connect({ host: '127.0.0.1', port: s.port, timeout: T });
  const ac = new AbortController();
  const p = c2.noop({ signal: ac.signal });
  setTimeout(() => ac.abort(), 50);
  await assert.rejects(p, AbortError);
  assert.equal(c2.closed, true);
  await assert.rejects(SmtpClient.connect({ host: '127.0.0.1', port: s.port, signal: AbortSignal.abort() }), AbortError);
});

test('a message\'s auth is MAIL FROM\'s AUTH=<…> (xtext) once logged in, and left out without a login, as curl', async () => {
  const s = await server({ ehlo: ['AUTH PLAIN'] });
  const anon = await SmtpClient.connect({ host: '127.0.0.1', port: s.port, secure: false, timeout: T });
  await anon.sendMail({ from: 'a@x.test', to: 'b@x.test', data: 'x', auth: 'a@x.test' });
  await assert.rejects(anon.sendMail({ from: 'a@x.test', to: 'b@x.test', data: 'x', auth: 'bad>@x' }), InputError);
  await anon.quit();
  const c = await SmtpClient.connect({ host: '127.0.0.1', port: s.port, secure: false, timeout: T, allowPlaintextAuth: true, auth: { user: 'alice', password: 's3cret-pw' } });
  await c.sendMail({ from: 'a@x.test', to: 'b@x.test', data: 'x', auth: 'x+y@x.test' });
  await c.sendMail({ from: 'a@x.test', to: 'b@x.test', data: 'x', auth: '' });
  await c.quit();
  assert.deepEqual(s.messages.map((m) => m.mailLine), ['MAIL FROM:<a@x.test>', 'MAIL FROM:<a@x.test> AUTH=<x+2By@x.test>', 'MAIL FROM:<a@x.test> AUTH=<>']);
});

test('initialResponse: false sends PLAIN after the 334 (curl\'s default); true puts LOGIN\'s user name and a short token on the AUTH line (curl --sasl-ir), masked; authzid goes in PLAIN', async () => {
  const s = await server({ ehlo: ['AUTH PLAIN'], tokens: { alice: 'tok-1' } });
  const base = { host: '127.0.0.1', port: s.port, secure: false as const, timeout: T, allowPlaintextAuth: true };
  await (await SmtpClient.connect({ ...base, auth: { user: 'alice', password: 's3cret-pw', initialResponse: false, authzid: 'bob' } })).quit();
  const i = s.commands.indexOf('AUTH PLAIN');
  assert.equal(Buffer.from(s.commands[i + 1]!, 'base64').toString(), 'bob\0alice\0s3cret-pw');
  assert.deepEqual(s.authzids, ['bob']);
  const l = await server({ ehlo: ['AUTH LOGIN OAUTHBEARER'], tokens: { alice: 'tok-1' } });
  const events: TraceEvent[] = [];
  await (await SmtpClient.connect({ ...base, port: l.port, trace: (e) => events.push(e), auth: { user: 'alice', password: 's3cret-pw', mechanisms: ['LOGIN'], initialResponse: true } })).quit();
  await (await SmtpClient.connect({ ...base, port: l.port, trace: (e) => events.push(e), auth: { user: 'alice', bearer: 'tok-1', initialResponse: true } })).quit();
  assert.deepEqual(l.commands.filter((c) => c.startsWith('AUTH')).map((c) => c.split(' ').slice(0, 2).join(' ')), ['AUTH LOGIN', 'AUTH OAUTHBEARER']);
  assert.ok(l.commands.includes(`AUTH LOGIN ${Buffer.from('alice').toString('base64')}`));
  const sent = events.filter((e) => e.kind === '>').map((e) => e.text);
  assert.ok(sent.includes('AUTH LOGIN ****') && sent.includes('AUTH OAUTHBEARER ****'), sent.join('|'));
  assert.ok(!sent.some((t) => t.includes('YWxpY2U') || t.includes(Buffer.from('n,a=alice').toString('base64').slice(0, 8))), sent.join('|'));
});
