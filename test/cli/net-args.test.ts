/**
 * dial's connection-wide network options beside curl's: --interface and
 * --local-port on every protocol's connections (http; ftp control and data;
 * smtp), and curl's exit codes when the local end cannot be had.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCliArgs } from '../../src/cli/args.js';
import { CliExit } from '../../src/cli/exit-codes.js';
import { FakeFtpServer } from '../protocols/ftp/fake-server.js';
import { FakeSmtpServer } from '../protocols/smtp/fake-server.js';
import { CURL, curl, dial, tempDir } from './helpers.js';

let web: http.Server;
let webPort = 0;
const open: Array<{ close(): Promise<void> }> = [];

before(async () => {
  // Answers with the address and port the request came from.
  web = http.createServer((req, res) => res.end(`${req.socket.remoteAddress} ${req.socket.remotePort}`));
  web.listen(0, '127.0.0.1');
  await once(web, 'listening');
  webPort = (web.address() as net.AddressInfo).port;
});
after(async () => {
  web.closeAllConnections();
  await new Promise((r) => web.close(r));
  await Promise.all(open.map((s) => s.close()));
});

/** A free port whose next one is free too, for a --local-port range (bounded tries). */
async function freePort(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const s = net.createServer().listen(0, '127.0.0.1');
    await once(s, 'listening');
    const port = (s.address() as net.AddressInfo).port;
    await new Promise((r) => s.close(r));
    if (port < 65000) return port;
  }
  throw new Error('no free port');
}

const isUsage = (e: unknown) => e instanceof CliExit && e.exitCode === 2;

test('--local-port N and N-M are read as curl reads them; what curl refuses is exit 2', async () => {
  assert.deepEqual(parseCliArgs(['--local-port', '4000', 'u']).local, { interface: undefined, port: 4000, portRange: 1 });
  assert.deepEqual(parseCliArgs(['--local-port', '4000-4009', 'u']).local, { interface: undefined, port: 4000, portRange: 10 });
  assert.equal(parseCliArgs(['--local-port', '0', 'u']).local, undefined);
  assert.deepEqual(parseCliArgs(['--interface', 'lo', 'u']).local, { interface: 'lo' });
  for (const bad of ['70000', '65535-65536', '5-3', '4000-', 'abc', '-1', '']) {
    assert.throws(() => parseCliArgs(['--local-port', bad, 'u']), isUsage, bad);
    if (CURL) assert.equal((await curl(['-sS', '--local-port', bad, `http://127.0.0.1:${webPort}/`])).code, 2, `curl --local-port ${bad}`);
  }
});

test('--interface host!ADDR and an address: the server sees that source address, as with curl', async () => {
  for (const spec of ['host!127.0.0.2', '127.0.0.3', 'host!localhost']) {
    const args = ['-sS', '--interface', spec, `http://127.0.0.1:${webPort}/`];
    const d = await dial(args);
    assert.equal(d.code, 0, d.stderr);
    const want = spec === 'host!localhost' ? '127.0.0.1' : spec.replace('host!', '');
    assert.equal(d.out.split(' ')[0], want, spec);
    if (CURL) assert.equal((await curl(args)).out.split(' ')[0], want, `curl ${spec}`);
  }
});

test('--local-port with a range: the connection comes from a port of the range, as with curl', async () => {
  const first = await freePort();
  const args = ['-sS', '--local-port', `${first}-${first + 20}`, `http://127.0.0.1:${webPort}/`];
  const d = await dial(args);
  assert.equal(d.code, 0, d.stderr);
  const port = Number(d.out.split(' ')[1]);
  assert.ok(port >= first && port <= first + 20, d.out);
  if (CURL) {
    const c = await curl(args);
    assert.equal(c.code, 0, c.stderr);
    const theirs = Number(c.out.split(' ')[1]);
    assert.ok(theirs >= first && theirs <= first + 20, c.out);
  }
});

test('what cannot be bound is exit 45, as curl; an address of the other family is 7', async () => {
  const held = net.createServer().listen(0, '127.0.0.1');
  await once(held, 'listening');
  const taken = (held.address() as net.AddressInfo).port;
  try {
    for (const [extra, code, message] of [
      [['--interface', 'if!dialnosuch0'], 45, /Couldn't bind to interface 'dialnosuch0'/],
      [['--interface', 'dialnosuch0.invalid'], 45, /Couldn't bind to 'dialnosuch0\.invalid'/],
      // TEST-NET-3: an address no test machine owns.
      [['--interface', '203.0.113.77'], 45, /bind/],
      [['--local-port', String(taken)], 45, /EADDRINUSE/],
    ] as const) {
      const args = ['-sS', ...extra, `http://127.0.0.1:${webPort}/`];
      const d = await dial(args);
      assert.equal(d.code, code, `${extra.join(' ')}: ${d.stderr}`);
      assert.match(d.stderr, message);
      assert.equal(d.stdout.length, 0);
      if (CURL) assert.equal((await curl(args)).code, code, `curl ${extra.join(' ')}`);
    }
  } finally {
    await new Promise((r) => held.close(r));
  }
});

test('ftp: the control and the passive data connection both start from --interface', async () => {
  const seen: string[] = [];
  const ftp = await FakeFtpServer.start({
    files: { '/f.txt': 'data\n' },
    hooks: {
      RETR: async (_a, s) => {
        s.reply(150, 'Here it comes.');
        const d = await s.data();
        seen.push(`${s.control.remoteAddress} ${d.remoteAddress}`);
        d.end('data\n');
        await once(d, 'close');
        s.reply(226, 'Done.');
        return true;
      },
    },
  });
  open.push(ftp);
  const args = ['-sS', '--interface', 'host!127.0.0.5', `ftp://127.0.0.1:${ftp.port}/f.txt`];
  const d = await dial(args);
  assert.equal(d.code, 0, d.stderr);
  assert.equal(d.out, 'data\n');
  if (CURL) {
    const c = await curl(args);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.out, d.out);
  }
  assert.deepEqual(new Set(seen), new Set(['127.0.0.5 127.0.0.5']), seen.join('|'));
});

test('smtp: -w %{local_ip} names the --interface address, as curl', async () => {
  const s = await FakeSmtpServer.start();
  open.push(s);
  const file = join(tempDir(), 'm.txt');
  writeFileSync(file, 'Subject: x\r\n\r\nbody\r\n');
  const args = ['-sS', '--interface', '127.0.0.6', '-w', '%{local_ip}', `smtp://127.0.0.1:${s.port}/client.test`, '--mail-from', 'a@b.test', '--mail-rcpt', 'c@d.test', '-T', file];
  const d = await dial(args);
  assert.equal(d.code, 0, d.stderr);
  assert.equal(d.out, '127.0.0.6');
  if (CURL) assert.equal((await curl(args)).out, d.out);
});

test('a URL without a scheme: --proto-default\'s, else curl\'s guess from the host name (ftp.… is ftp), else http', async () => {
  const { normalizeUrl, typedScheme } = await import('../../src/cli/url.js');
  assert.equal(normalizeUrl('h.test/x'), 'http://h.test/x');
  assert.equal(normalizeUrl('ftp.h.test/x'), 'ftp://ftp.h.test/x');
  assert.equal(normalizeUrl('FTP.h.test:21/x'), 'ftp://FTP.h.test:21/x');
  assert.equal(normalizeUrl('u:p@pop3.h.test/1'), 'pop3://u:p@pop3.h.test/1');
  assert.equal(normalizeUrl('ftpx.h.test/'), 'http://ftpx.h.test/');
  assert.equal(normalizeUrl('ftp.h.test/x', { protoDefault: 'https' }), 'https://ftp.h.test/x');
  assert.equal(normalizeUrl('http://h.test/', { protoDefault: 'ftp' }), 'http://h.test/');
  assert.equal(typedScheme('smtp.h.test'), 'smtp');
  assert.equal(typedScheme('h.test', { protoDefault: 'gopher' }), 'gopher');
  assert.equal(parseCliArgs(['--proto-default', 'HTTPS', 'u']).protoDefault, 'https');
  assert.throws(() => parseCliArgs(['--proto-default', 'bogus', 'u']), (e: unknown) => e instanceof CliExit && e.exitCode === 1);
});

test('--proto-default and the guess beside curl: the same scheme is used, the same exit code', async () => {
  const ftp = await FakeFtpServer.start({ files: { '/f.txt': 'ftp file\n' } });
  open.push(ftp);
  for (const [args, code] of [
    [['--proto-default', 'ftp', `127.0.0.1:${ftp.port}/f.txt`], 0],
    [['--resolve', `ftp.dial.test:${ftp.port}:127.0.0.1`, `ftp.dial.test:${ftp.port}/f.txt`], 0],
    [['--proto-default', 'HTTP', `127.0.0.1:${webPort}/`], 0],
    [['--proto-default', 'bogus', `127.0.0.1:${webPort}/`], 1],
    [['--proto-default', 'gopher', '--proto', '-gopher', `127.0.0.1:${webPort}/`], 1],
  ] as const) {
    const full = ['-sS', ...args];
    const d = await dial(full);
    assert.equal(d.code, code, `${args.join(' ')}: ${d.stderr}`);
    if (code === 0 && args[0] !== '--proto-default' || args[1] === 'ftp') assert.equal(d.out, 'ftp file\n', args.join(' '));
    if (CURL) {
      const c = await curl(full);
      assert.equal(c.code, code, `curl ${args.join(' ')}`);
      if (code === 0 && args[1] !== 'HTTP') assert.equal(c.out, d.out);
    }
  }
});

test('--disallow-username-in-url: a URL naming a user is exit 67 before anything is sent; -u is still fine', async () => {
  let requests = 0;
  web.on('request', () => requests++);
  for (const [url, code] of [
    [`http://u:p@127.0.0.1:${webPort}/`, 67],
    [`http://u@127.0.0.1:${webPort}/`, 67],
    [`ftp://u:p@127.0.0.1:${webPort}/`, 67],
    [`http://127.0.0.1:${webPort}/`, 0],
  ] as const) {
    const args = ['-sS', '--disallow-username-in-url', url];
    const before = requests;
    const d = await dial(args);
    assert.equal(d.code, code, `${url}: ${d.stderr}`);
    if (code === 67) {
      assert.equal(d.stderr, 'dial: (67) Login denied\n');
      assert.equal(requests, before);
    }
    if (CURL) assert.equal((await curl(args)).code, code, `curl ${url}`);
  }
  const withU = await dial(['-sS', '--disallow-username-in-url', '-u', 'a:b', `http://127.0.0.1:${webPort}/`]);
  assert.equal(withU.code, 0, withU.stderr);
});

test('--abstract-unix-socket: HTTP over a Linux abstract socket; the last of it and --unix-socket wins', { skip: process.platform !== 'linux' && 'Linux only' }, async () => {
  const name = `dial-test-${process.pid}-${Date.now()}`;
  const srv = http.createServer((_req, res) => res.end('abstract\n'));
  srv.listen({ path: `\0${name}` });
  await once(srv, 'listening');
  try {
    const args = ['-sS', '--abstract-unix-socket', name, 'http://x.test/'];
    const d = await dial(args);
    assert.equal(d.code, 0, d.stderr);
    assert.equal(d.out, 'abstract\n');
    // Not beside curl here: node 20's libuv (1.46) binds and connects an abstract name padded to the whole of
    // sun_path, where curl uses the name's own length (libuv/libuv#4266), so curl cannot reach this server.
    assert.equal(parseCliArgs(['--unix-socket', '/p', '--abstract-unix-socket', 'n', 'u']).unixSocket, '\0n');
    assert.equal(parseCliArgs(['--abstract-unix-socket', 'n', '--unix-socket', '/p', 'u']).unixSocket, '/p');
    // A name nobody listens on: no connection, exit 7 as curl.
    const none = ['-sS', '--abstract-unix-socket', `${name}-none`, 'http://x.test/'];
    const refused = await dial(none);
    assert.equal(refused.code, 7);
    // The name is shown as ss shows it, never with a raw NUL on the terminal.
    assert.match(refused.stderr, new RegExp(`@${name}-none`));
    assert.ok(!refused.stderr.includes('\0'), JSON.stringify(refused.stderr));
    if (CURL) assert.equal((await curl(none)).code, 7);
  } finally {
    await new Promise((r) => srv.close(r));
  }
});

test('--parallel-immediate is accepted and changes nothing', async () => {
  const args = ['-sS', '-Z', '--parallel-immediate', `http://127.0.0.1:${webPort}/a`, `http://127.0.0.1:${webPort}/b`];
  const d = await dial(args);
  assert.equal(d.code, 0, d.stderr);
  assert.equal(d.out.split('127.0.0.1 ').length, 3, d.out);
  assert.equal(parseCliArgs(['--parallel-immediate', 'u']).parallelImmediate, true);
});
