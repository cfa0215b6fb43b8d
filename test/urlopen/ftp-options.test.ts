/**
 * urlopen's ftp: options that map curl's FTP flags: quote commands
 * (ftpQuote/ftpPreQuote/ftpPostQuote) on fresh and kept sessions,
 * ftpAppend, ftpAscii and `;type=`, crlf, ftpMethod (and reach(), the path
 * it picks), ftpEpsv/ftpSkipPasvIp and ftpAccount — against the in-process
 * fake FTP server.
 */
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { urlopen, closeIdleSessions } from '../../src/urlopen/index.js';
import { reach } from '../../src/urlopen/schemes/ftp-session.js';
import { accountServer, FakeFtpServer } from '../protocols/ftp/fake-server.js';
import { InputError, ProtocolError, ReplyError } from '../../src/errors.js';

let srv: FakeFtpServer;
before(async () => {
  srv = await FakeFtpServer.start({
    files: { '/pub/a/f.txt': 'one\r\ntwo\r\n', '/pub/a/g.bin': 'bin' },
    dirs: ['/up'],
    hooks: { BAD: (_a, s) => (s.reply(550, 'Refused.'), true) },
  });
});
after(() => srv.close());
afterEach(() => closeIdleSessions());

const url = (p: string) => `ftp://127.0.0.1:${srv.port}${p}`;
const since = (from: number, re = /./) => srv.commands.slice(from).filter((c) => re.test(c));

test('reach(): multicwd a CWD each; singlecwd one CWD of the joined path; nocwd the whole path in the command', () => {
  assert.deepEqual(reach(['pub', 'a'], 'f.txt'), { dirs: ['pub', 'a'], name: 'f.txt' });
  assert.deepEqual(reach(['pub', 'a'], 'f.txt', 'singlecwd'), { dirs: ['pub/a'], name: 'f.txt' });
  assert.deepEqual(reach(['pub', 'a'], 'f.txt', 'nocwd'), { dirs: [], name: 'pub/a/f.txt' });
  assert.deepEqual(reach(['/pub', 'a'], 'f.txt', 'nocwd'), { dirs: [], name: '/pub/a/f.txt' });
  assert.deepEqual(reach(['/pub', 'a'], '', 'singlecwd'), { dirs: ['/pub/a'], name: '' });
  assert.deepEqual(reach(['pub', 'a'], '', 'nocwd'), { dirs: [], name: 'pub/a' });
  assert.deepEqual(reach([], 'f.txt', 'nocwd'), { dirs: [], name: 'f.txt' });
  assert.throws(() => reach(['a'], 'f', 'sometimes' as 'nocwd'), InputError);
});

test('ftpQuote before the CWDs, ftpPreQuote before the transfer, ftpPostQuote after it', async () => {
  const from = srv.commands.length;
  const r = await urlopen(url('/pub/a/f.txt'), { ftpQuote: ['NOOP'], ftpPreQuote: ['SITE pre'], ftpPostQuote: ['SITE post'] });
  assert.equal(await r.text(), 'one\r\ntwo\r\n');
  assert.deepEqual(since(from, /^(NOOP|SITE|CWD|RETR)/), ['NOOP', 'CWD pub', 'CWD a', 'SITE pre', 'RETR f.txt', 'SITE post']);
});

test('a refused ftpQuote command is a ReplyError in phase quote, before any CWD; a * one is passed over', async () => {
  const from = srv.commands.length;
  await assert.rejects(urlopen(url('/pub/a/f.txt'), { ftpQuote: ['BAD x', 'NOOP'] }), (e: unknown) => e instanceof ReplyError && e.phase === 'quote' && e.reply?.code === 550);
  assert.deepEqual(since(from, /^(BAD|NOOP|CWD|RETR)/), ['BAD x']);
  const r = await urlopen(url('/pub/a/f.txt'), { ftpQuote: ['*BAD y'] });
  assert.equal(await r.text(), 'one\r\ntwo\r\n');
});

test('a refused ftpPostQuote command fails the body once it is read; the session is not kept', async () => {
  const r = await urlopen(url('/pub/a/f.txt'), { ftpPostQuote: ['BAD z'] });
  await assert.rejects(r.text(), (e: unknown) => e instanceof ReplyError && e.phase === 'quote');
});

test('a kept session whose quote changed directory starts the next URL from the login directory again', async () => {
  // The quote moves to /pub, so the URL's a/g.bin is /pub/a/g.bin.
  assert.equal(await (await urlopen(url('/a/g.bin'), { ftpQuote: ['CWD /pub'] })).text(), 'bin');
  const from = srv.commands.length;
  assert.equal(await (await urlopen(url('/pub/a/g.bin'))).text(), 'bin');
  assert.deepEqual(since(from, /^(USER|CWD|RETR)/), ['CWD /', 'CWD pub', 'CWD a', 'RETR g.bin'], 'the same session, back home first');
});

test('ftpQuote with CR or LF is an InputError, and nothing is sent', async () => {
  const from = srv.commands.length;
  await assert.rejects(urlopen(url('/pub/a/f.txt'), { ftpQuote: ['NOOP\r\nDELE /pub/a/f.txt'] }), InputError);
  assert.deepEqual(since(from), []);
});

test('ftpAppend sends APPE; ftpAscii and crlf convert line ends on upload', async () => {
  await urlopen(url('/up/x.txt'), { method: 'PUT', body: 'a\nb\r\n' });
  await urlopen(url('/up/x.txt'), { method: 'PUT', body: 'c\n', ftpAppend: true });
  assert.equal(srv.files.get('/up/x.txt')?.toString(), 'a\nb\r\nc\n');
  const from = srv.commands.length;
  await urlopen(url('/up/y.txt'), { method: 'PUT', body: 'a\nb\n', ftpAscii: true });
  assert.deepEqual(since(from, /^(TYPE|STOR|APPE)/), ['TYPE A', 'STOR y.txt']);
  assert.equal(srv.files.get('/up/y.txt')?.toString(), 'a\r\nb\r\n');
  await urlopen(url('/up/z.txt'), { method: 'PUT', body: 'a\nb\r\n', crlf: true });
  assert.equal(srv.files.get('/up/z.txt')?.toString(), 'a\r\nb\r\r\n');
});

test('ftpAscii downloads in TYPE A with LF line ends; a ;type=i in the URL still wins', async () => {
  assert.equal(await (await urlopen(url('/pub/a/f.txt'), { ftpAscii: true })).text(), 'one\ntwo\n');
  assert.equal(await (await urlopen(url('/pub/a/f.txt;type=i'), { ftpAscii: true })).text(), 'one\r\ntwo\r\n');
  assert.equal(await (await urlopen(url('/pub/a/f.txt;type=A'))).text(), 'one\ntwo\n');
  assert.equal(await (await urlopen(url('/pub/a;type=d'))).text(), 'f.txt\ng.bin\n');
});

test('ftpMethod nocwd and singlecwd reach the file as curl does', async () => {
  let from = srv.commands.length;
  assert.equal(await (await urlopen(url('/pub/a/g.bin'), { ftpMethod: 'nocwd' })).text(), 'bin');
  assert.deepEqual(since(from, /^(CWD|RETR)/), ['RETR pub/a/g.bin']);
  await closeIdleSessions();
  from = srv.commands.length;
  assert.equal(await (await urlopen(url('/pub/a/g.bin'), { ftpMethod: 'singlecwd' })).text(), 'bin');
  assert.deepEqual(since(from, /^(CWD|RETR)/), ['CWD pub/a', 'RETR g.bin']);
});

test('ftpEpsv: false goes straight to PASV', async () => {
  const from = srv.commands.length;
  assert.equal(await (await urlopen(url('/pub/a/g.bin'), { ftpEpsv: false })).text(), 'bin');
  assert.deepEqual(since(from, /^(EPSV|PASV)/), ['PASV']);
});

test('ftpSkipPasvIp: the default ignores the address a PASV reply names; false refuses one that is not the server', async () => {
  const far = await FakeFtpServer.start({ files: { '/f': 'far' }, noEpsv: true, pasvAddress: '192.0.2.7' });
  try {
    assert.equal(await (await urlopen(`ftp://127.0.0.1:${far.port}/f`)).text(), 'far');
    await assert.rejects(urlopen(`ftp://127.0.0.1:${far.port}/f`, { ftpSkipPasvIp: false }), (e: unknown) => e instanceof ProtocolError && /192\.0\.2\.7/.test(e.message));
  } finally {
    await closeIdleSessions();
    await far.close();
  }
});

test('ftpAccount answers a 332 at login with ACCT', async () => {
  const acct = await accountServer({ '/f': 'acct' });
  try {
    assert.equal(await (await urlopen(`ftp://u:p@127.0.0.1:${acct.port}/f`, { ftpAccount: 'acme' })).text(), 'acct');
    assert.ok(acct.commands.includes('ACCT acme'));
  } finally {
    await closeIdleSessions();
    await acct.close();
  }
});
