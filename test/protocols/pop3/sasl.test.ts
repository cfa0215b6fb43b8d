/**
 * A bearer-token login (src/protocols/pop3/sasl.ts, through Pop3Client)
 * against the scripted server: the lines curl sends, the choice between
 * OAUTHBEARER and XOAUTH2, a refused token's answers and error, a server
 * that breaks the exchange, and the trace masking the token.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pop3Client } from '../../../src/protocols/pop3/client.js';
import { InputError, ProtocolError, ReplyError } from '../../../src/errors.js';
import type { TraceEvent } from '../../../src/trace.js';
import { lineServers, type LineServer as FakeServer } from '../../helpers/fake-line-server.js';
import { bearerPop3, pop3Options, standard } from './server.js';

const server = lineServers(pop3Options);
const tokens = { alice: 'ya29.good' };
const connect = (s: FakeServer, extra: Partial<Parameters<typeof Pop3Client.connect>[0]> = {}) =>
  Pop3Client.connect({ host: '127.0.0.1', port: s.port, timeout: 5000, user: 'alice', bearer: tokens.alice, ...extra });

test('a bearer token logs in with AUTH OAUTHBEARER when CAPA offers it (before XOAUTH2 and PLAIN), as curl sends it; the token masked', async () => {
  const s = await server(bearerPop3(tokens, 'PLAIN XOAUTH2 OAUTHBEARER'));
  const events: TraceEvent[] = [];
  const pop = await connect(s, { trace: (e) => events.push(e) });
  assert.equal(pop.state, 'transaction');
  assert.deepEqual(s.received.slice(0, 2), ['CAPA', 'AUTH OAUTHBEARER']);
  assert.equal(Buffer.from(s.received[2]!, 'base64').toString(), `n,a=alice,\x01host=127.0.0.1\x01port=${s.port}\x01auth=Bearer ya29.good\x01\x01`);
  const sent = events.filter((e) => e.kind === '>').map((e) => e.text);
  assert.deepEqual(sent.slice(0, 3), ['CAPA', 'AUTH OAUTHBEARER', '****']);
  await pop.quit();
});

test('a user name with a space goes in the base64 message, as with AUTH PLAIN', async () => {
  const s = await server(bearerPop3({ 'Alice Smith': 'tok' }, 'OAUTHBEARER'));
  await (await connect(s, { user: 'Alice Smith', bearer: 'tok' })).quit();
  assert.ok(Buffer.from(s.received[2]!, 'base64').toString().startsWith('n,a=Alice Smith,'), s.received.join('|'));
});

test('XOAUTH2 when it is the only one offered, or asked for; OAUTHBEARER when asked for', async () => {
  const s = await server(bearerPop3(tokens, 'XOAUTH2 PLAIN'));
  await (await connect(s)).quit();
  assert.equal(Buffer.from(s.received[2]!, 'base64').toString(), 'user=alice\x01auth=Bearer ya29.good\x01\x01');
  const both = await server(bearerPop3(tokens, 'OAUTHBEARER XOAUTH2'));
  await (await connect(both, { auth: 'xoauth2' })).quit();
  assert.equal(both.received[0], 'AUTH XOAUTH2', 'a named mechanism needs no CAPA');
  await (await connect(both, { auth: 'oauthbearer' })).quit();
});

test('a refused token: the error challenge answered with AQ== (OAUTHBEARER) or an empty line (XOAUTH2), then a ReplyError (phase login) with the reason; the session stays usable', async () => {
  for (const [mech, answer] of [['oauthbearer', 'AQ=='], ['xoauth2', '']] as const) {
    const s = await server(bearerPop3(tokens, 'OAUTHBEARER XOAUTH2'));
    const pop = await Pop3Client.connect({ host: '127.0.0.1', port: s.port, timeout: 5000 });
    await assert.rejects(pop.login('alice', '', { auth: mech, bearer: 'expired' }), (e: unknown) => {
      assert.ok(e instanceof ReplyError && e.phase === 'login', String(e));
      assert.match(e.message, /-ERR \[AUTH\] invalid token \(the token was refused: \{"status":"invalid_token","scope":"mail"\}\)/);
      assert.ok(!e.message.includes('expired'));
      return true;
    });
    assert.equal(s.received.at(-1), answer);
    assert.equal(pop.state, 'authorization');
    await pop.login('alice', '', { auth: mech, bearer: tokens.alice });
    await pop.quit();
  }
});

test('no bearer mechanism offered: InputError DIAL_E_UNSUPPORTED, no password login instead; bad tokens and a missing one refused before sending', async () => {
  const s = await server(bearerPop3(tokens, 'PLAIN'));
  await assert.rejects(connect(s, { password: 'secret' }), (e: unknown) => e instanceof InputError && e.code === 'DIAL_E_UNSUPPORTED' && e.phase === 'login');
  assert.deepEqual(s.received, ['CAPA']);
  for (const bearer of ['', 'a b', 'a\x01b']) await assert.rejects(connect(s, { bearer }), InputError);
  await assert.rejects(connect(s, { bearer: undefined, auth: 'xoauth2' }), /needs a bearer token/);
  assert.ok(!s.received.some((l) => l.startsWith('AUTH')), s.received.join('|'));
});

test('a server that breaks the exchange: +OK before the token, or a third challenge, is a ProtocolError (the latter closes the session)', async () => {
  const early = await server((line, conn) => (line.startsWith('AUTH') ? '+OK\r\n' : standard(line, conn)));
  await assert.rejects(connect(early, { auth: 'oauthbearer' }), ProtocolError);
  const endless = await server((line, conn) => (line === 'QUIT' || line === 'CAPA' ? standard(line, conn) : '+ \r\n'));
  const pop = await Pop3Client.connect({ host: '127.0.0.1', port: endless.port, timeout: 5000 });
  await assert.rejects(pop.login('alice', '', { auth: 'xoauth2', bearer: 'x' }), ProtocolError);
  assert.equal(pop.state, 'closed');
  assert.equal(endless.received.length, 3);
});

test('initialResponse: the bearer message on the AUTH line (curl --sasl-ir), masked in the trace; a token too long for 255 octets still goes after the +', async () => {
  const s = await server(bearerPop3(tokens, 'OAUTHBEARER'));
  const events: TraceEvent[] = [];
  await (await connect(s, { initialResponse: true, trace: (e) => events.push(e) })).quit();
  assert.match(s.received[1]!, /^AUTH OAUTHBEARER \S+$/);
  assert.ok(events.some((e) => e.kind === '>' && e.text === 'AUTH OAUTHBEARER ****'), events.map((e) => e.text).join('|'));
  const long = 'x'.repeat(200);
  const l = await server(bearerPop3({ alice: long }, 'XOAUTH2'));
  await (await connect(l, { bearer: long, initialResponse: true })).quit();
  assert.deepEqual(l.received.slice(1, 2), ['AUTH XOAUTH2']);
});

test('AUTH PLAIN: initialResponse false sends the message after the +; authzid goes first in it; a server asking for more is cancelled with *', async () => {
  const s = await server(standard);
  await (await Pop3Client.connect({ host: '127.0.0.1', port: s.port, timeout: 5000, user: 'alice', password: 'secret', initialResponse: false })).quit();
  assert.deepEqual(s.received.slice(1, 3), ['AUTH PLAIN', Buffer.from('\0alice\0secret').toString('base64')]);
  const z = await server((line, conn) => (line.startsWith('AUTH PLAIN ') ? (Buffer.from(line.slice(11), 'base64').toString() === 'bob\0alice\0secret' ? '+OK\r\n' : '-ERR no\r\n') : standard(line, conn)));
  await (await Pop3Client.connect({ host: '127.0.0.1', port: z.port, timeout: 5000, user: 'alice', password: 'secret', authzid: 'bob' })).quit();
  const more = await server((line, conn) => (line.startsWith('AUTH PLAIN ') ? '+ more\r\n' : line === '*' ? '-ERR cancelled\r\n' : standard(line, conn)));
  await assert.rejects(Pop3Client.connect({ host: '127.0.0.1', port: more.port, timeout: 5000, user: 'alice', password: 'secret' }), ProtocolError);
  assert.deepEqual(more.received.slice(2), ['*']);
});
