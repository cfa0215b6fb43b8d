/**
 * SmtpClient against hostile in-process servers (scripted line peers, or raw
 * ones where nothing is read): a multi-line reply flood, an endless line, 5xx
 * after the data, a close in the middle of DATA, bytes injected after the
 * STARTTLS go-ahead, garbage reply codes, replies out of place, a server that
 * never answers the final dot. Each must end in a typed error within its
 * bound, holding bounded memory.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { DialError, LimitError, ProtocolError, TimeoutError } from '../../../src/errors.js';
import { SmtpClient, SmtpReplyError } from '../../../src/protocols/smtp/index.js';
import { rawPeer, within, type RawPeer } from '../../helpers/peers.js';
import { flood, lineServers, type LineConn, type LineReply } from '../../helpers/fake-line-server.js';
import { multiline } from './fake-server.js';

const peers: RawPeer[] = [];
after(async () => {
  for (const p of peers) await p.close();
});
const T = 3000;

type Script = (line: string, conn: LineConn) => LineReply;

/** A peer that greets, answers EHLO with `ehlo` keywords, and hands every other line to `script`. */
const smtpPeer = lineServers((script: Script, opts: { greeting?: string; ehlo?: string[] } = {}) => ({
  greeting: opts.greeting ?? '220 hostile.test ESMTP\r\n',
  reply: (line: string, conn: LineConn) => (line.startsWith('EHLO') ? multiline(250, ['hostile.test', ...(opts.ehlo ?? [])]) : script(line, conn)),
}));

/** Answers the envelope with 250 and DATA with 354, then hands each data line to `atData`. */
function envelopeOk(atData: Script): Script {
  let inData = false;
  return (line, conn) => {
    if (inData) return atData(line, conn);
    if (line === 'DATA') {
      inData = true;
      return '354 go\r\n';
    }
    if (line === 'QUIT') return void conn.end('221 bye\r\n');
    return '250 2.0.0 ok\r\n';
  };
}

const connect = (port: number, extra: Partial<Parameters<typeof SmtpClient.connect>[0]> = {}) => SmtpClient.connect({ host: '127.0.0.1', port, timeout: T, secure: false, ...extra });

test('a multi-line reply that never ends: LimitError at maxReplyLines, connection closed', async () => {
  // Bounded: the client closes long before; the peer stops at a million lines regardless.
  const line = '220-more and more\r\n';
  const p = await rawPeer((c) => flood(c, line.repeat(1000), line.length * 1_000_000, { sent: 0 }), peers);
  await within(assert.rejects(connect(p.port, { maxReplyLines: 50 }), LimitError), 10_000, 'flood');
});

test('an endless line (no newline, ever): LimitError at maxLine', async () => {
  const p = await rawPeer((c) => flood(c, 'a'.repeat(64 * 1024), 64 * 64 * 1024, { sent: 0 }, '220 '), peers);
  await within(assert.rejects(connect(p.port, { maxLine: 1000 }), LimitError), 10_000, 'endless line');
});

test('5xx after the final dot: SmtpReplyError with the enhanced code, and the session stays usable', async () => {
  const p = await smtpPeer(envelopeOk((line) => (line === '.' ? '554 5.7.1 message looks like spam\r\n' : undefined)));
  const c = await connect(p.port);
  await assert.rejects(c.sendMail({ from: 'a@x', to: 'b@x', data: 'buy now\n' }), (e: unknown) => {
    assert.ok(e instanceof SmtpReplyError);
    assert.equal(e.phase, 'postdata');
    assert.equal(e.reply?.code, 554);
    assert.equal(e.enhancedCode, '5.7.1');
    assert.equal(e.transient, false);
    return true;
  });
  assert.equal(c.closed, false);
  await c.quit();
});

test('the server closes in the middle of DATA: a typed error, not a hang; the session is closed', async () => {
  const p = await smtpPeer((line, conn) => {
    if (line !== 'DATA') return '250 ok\r\n';
    // Some data arrives first, then the peer vanishes.
    conn.socket.once('data', () => conn.reset());
    return '354 go\r\n';
  });
  const c = await connect(p.port);
  async function* big() {
    for (let i = 0; i < 2000; i++) yield Buffer.alloc(16 * 1024, 0x62);
  }
  await within(assert.rejects(c.sendMail({ from: 'a@x', to: 'b@x', data: big() }), DialError), 10_000, 'close mid-DATA');
  assert.equal(c.closed, true);
});

test('bytes injected after the STARTTLS go-ahead: ProtocolError DIAL_E_INJECTION, no handshake, nothing read from them', async () => {
  let handshakeBytes = 0;
  let afterGoAhead = false;
  const p = await smtpPeer(
    (line, conn) => {
      if (line !== 'STARTTLS') return undefined;
      afterGoAhead = true;
      conn.socket.on('data', (d: Buffer) => (handshakeBytes += d.length));
      return '220 2.0.0 go ahead\r\n250-injected\r\n250 AUTH PLAIN\r\n';
    },
    { ehlo: ['STARTTLS'] },
  );
  await assert.rejects(connect(p.port, { secure: 'starttls' }), (e: unknown) => e instanceof ProtocolError && e.code === 'DIAL_E_INJECTION');
  assert.equal(afterGoAhead, true);
  assert.equal(handshakeBytes, 0, 'no ClientHello was sent');
});

test('garbage reply codes and malformed replies: ProtocolError', async () => {
  for (const greeting of ['999 what\r\n', 'hello there\r\n', '2500 x\r\n', '25 x\r\n', '220\x00x\r\n', '\r\n']) {
    const p = await rawPeer((c) => c.write(greeting), peers);
    await assert.rejects(connect(p.port), ProtocolError, JSON.stringify(greeting));
  }
  const odd = await smtpPeer(() => undefined, { greeting: '220-first\r\n999 not the same code, kept as text\r\n220 end\r\n' });
  const c = await connect(odd.port, { timeout: 300 });
  assert.equal(c.greeting?.lines.length, 3);
  await c.close();
});

test('a multi-line reply whose last line has another code: ProtocolError at once, not a wait for the timeout', async () => {
  const p = await rawPeer((c) => {
    c.write('220 hostile.test\r\n');
    c.on('data', () => c.write('250-hostile.test\r\n250-SIZE 100\r\n550 changed my mind\r\n'));
  }, peers);
  // A 60 s bound: a client that waits for a '250 ' line would be stopped by `within`, long before.
  const err = await within(connect(p.port, { timeout: 60_000 }).then(() => undefined, (e: unknown) => e), 5_000, 'code switch');
  assert.ok(err instanceof ProtocolError && err.phase === 'reply' && /250 reply continued with a 550/.test(err.message), String(err));
});

test('a success code out of place (354 to MAIL, 250 to DATA): ProtocolError, session closed', async () => {
  const p = await smtpPeer((line) => (line.startsWith('MAIL') ? '354 sure\r\n' : '250 ok\r\n'));
  const c = await connect(p.port);
  await assert.rejects(c.sendMail({ from: 'a@x', to: 'b@x', data: 'x' }), ProtocolError);
  assert.equal(c.closed, true);
  const q = await smtpPeer(() => '250 ok\r\n');
  const c2 = await connect(q.port);
  await assert.rejects(c2.sendMail({ from: 'a@x', to: 'b@x', data: 'x' }), (e: unknown) => e instanceof ProtocolError && e.reply?.code === 250);
});

test('a greeting of 554 is a refusal (SmtpReplyError, phase greeting)', async () => {
  const p = await rawPeer((c) => c.end('554 5.3.2 no service for you\r\n'), peers);
  await assert.rejects(connect(p.port), (e: unknown) => e instanceof SmtpReplyError && e.phase === 'greeting' && e.enhancedCode === '5.3.2');
});

test('no reply to the final dot: TimeoutError at dataTimeout', async () => {
  const p = await smtpPeer(envelopeOk(() => undefined));
  const c = await connect(p.port, { dataTimeout: 200 });
  await within(assert.rejects(c.sendMail({ from: 'a@x', to: 'b@x', data: 'x' }), TimeoutError), 5000, 'dataTimeout');
  assert.equal(c.closed, true);
});

test('a server that floods AUTH LOGIN prompts: ProtocolError after the password, no third answer', async () => {
  const answers: string[] = [];
  const p = await smtpPeer(
    (line) => {
      answers.push(line);
      return '334 UGFzc3dvcmQ6\r\n';
    },
    { ehlo: ['AUTH LOGIN'] },
  );
  await assert.rejects(connect(p.port, { allowPlaintextAuth: true, auth: { user: 'u', password: 'p' } }), ProtocolError);
  assert.equal(answers.length, 3, answers.join('|'));
});
