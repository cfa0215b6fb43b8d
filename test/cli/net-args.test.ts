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
