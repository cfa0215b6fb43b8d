/**
 * The harness's own tests, with small stand-in servers (node -e scripts, sh,
 * cat) so each behaviour is exact: free ports, the missing-binary failure,
 * no process left behind, readiness failures carrying the server's output.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  canConnect,
  freePort,
  freePorts,
  MissingBinaryError,
  processAlive,
  renderTemplate,
  requireBinary,
  ServerStartError,
  startServer,
  which,
} from './harness.js';

const NODE = process.execPath;

/** A node one-liner server: listens on process.argv[1] (a port) on loopback. */
// The readiness probe hangs up at once: a reset on the greeting must not crash the server (it did, now and then).
const LISTEN = `require('net').createServer((s) => { s.on('error', () => {}); s.end('hi\\n'); }).listen(+process.argv[1], '127.0.0.1', () => console.error('listening'))`;

/** True once `pid` is gone (kill(pid, 0) throws ESRCH), polled for up to `ms`; zombies count as gone. */
async function gone(pid: number, ms = 3000): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    let exists = true;
    try {
      process.kill(pid, 0);
    } catch (err) {
      assert.equal((err as NodeJS.ErrnoException).code, 'ESRCH');
      exists = false;
    }
    if (!exists || !processAlive(pid)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
}

function listenOn(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen({ host: '127.0.0.1', port, exclusive: true }, () => resolve(s));
  });
}

describe('free ports', () => {
  test('freePorts(n) gives n distinct, bindable loopback ports', async () => {
    const ports = await freePorts(5);
    assert.equal(ports.length, 5);
    assert.equal(new Set(ports).size, 5);
    for (const p of ports) assert.ok(Number.isInteger(p) && p > 0 && p < 65536, `port ${p}`);
    const servers = await Promise.all(ports.map(listenOn)); // all free right now
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  test('freePort() is a port nothing listens on', async () => {
    const p = await freePort();
    assert.equal(await canConnect(p), false);
  });

  test('freePorts rejects a silly count', async () => {
    await assert.rejects(freePorts(0), RangeError);
    await assert.rejects(freePorts(1000), RangeError);
  });
});

describe('binaries', () => {
  test('which() finds a binary in PATH and daemons in /usr/sbin even when PATH lacks sbin', () => {
    assert.match(which('sh') ?? '', /\/sh$/);
    const saved = process.env['PATH'];
    process.env['PATH'] = '/nonexistent';
    try {
      assert.match(which('sh') ?? '', /^\/(usr\/)?bin\/sh$/);
      // nginx lives in /usr/sbin on Debian; the suite needs it installed.
      assert.equal(which('nginx'), requireBinary('nginx'));
      assert.match(which('nginx')!, /sbin\/nginx$/);
    } finally {
      process.env['PATH'] = saved;
    }
    assert.equal(which('dialtone-no-such-binary-xyz'), undefined);
    assert.equal(which('/etc/passwd'), undefined, 'not executable');
  });

  test('a missing binary rejects (no skip) with a message naming the package', async () => {
    await assert.rejects(
      startServer({ name: 'ghost', command: 'dialtone-no-such-server-xyz', package: 'dialtone-ghost-server', args: () => [] }),
      (err: unknown) => {
        assert.ok(err instanceof MissingBinaryError);
        assert.match(err.message, /dialtone-no-such-server-xyz/);
        assert.match(err.message, /"dialtone-ghost-server"/);
        assert.match(err.message, /apt-get install -y --no-install-recommends dialtone-ghost-server/);
        assert.match(err.message, /scripts\/install-servers\.sh/);
        return true;
      },
    );
  });

  test('a known binary maps to its Debian package when missing', () => {
    assert.throws(() => requireBinary('/nonexistent/danted'), /Debian package "dante-server"/);
  });
});

describe('lifecycle', () => {
  test('starts a server on a free port, reports ready only once it accepts, and stop() kills it', async () => {
    const srv = await startServer({ name: 'node-listen', command: NODE, args: (ctx) => ['-e', LISTEN, String(ctx.port)] });
    try {
      assert.equal(await canConnect(srv.port), true);
      assert.ok(existsSync(srv.dir));
      assert.ok(srv.pid && processAlive(srv.pid));
    } finally {
      await srv.stop();
    }
    assert.equal(await gone(srv.pid!), true, 'server process left behind');
    assert.equal(existsSync(srv.dir), false, 'temp dir left behind');
    assert.equal(await canConnect(srv.port), false);
    await srv.stop(); // twice is fine
  });

  test('stop() leaves no process behind: children, and a leader that ignores SIGTERM', async () => {
    // sh ignores TERM, starts a background child and a listening grandchild, and records their pids.
    const script = `trap '' TERM; sleep 300 & echo $! > kids; "$0" -e "$1" "$2" & echo $! >> kids; wait`;
    const srv = await startServer({
      name: 'stubborn',
      command: 'sh',
      args: (ctx) => ['-c', script, NODE, `process.on('SIGTERM', () => {}); ${LISTEN}`, String(ctx.port)],
      stopTimeout: 500,
    });
    let kids: number[];
    try {
      kids = readFileSync(join(srv.dir, 'kids'), 'utf8').trim().split('\n').map(Number);
      assert.equal(kids.length, 2);
      for (const k of kids) assert.ok(processAlive(k), `child ${k} should run`);
    } catch (e) {
      await srv.stop(); // a failed check must not leave the file hanging on live children
      throw e;
    }
    const t0 = Date.now();
    await srv.stop();
    assert.ok(Date.now() - t0 < 5000, 'stop() must be bounded');
    for (const pid of [srv.pid!, ...kids]) assert.equal(await gone(pid), true, `process ${pid} left behind`);
  });

  test('a readiness timeout fails with the server’s captured stderr, and kills it', async () => {
    const t0 = Date.now();
    let pid: number | undefined;
    await assert.rejects(
      startServer({
        name: 'mute',
        command: NODE,
        args: () => ['-e', `console.error('booting: config sanity XYZZY'); console.error(process.pid); setInterval(() => {}, 1000)`],
        timeout: 700,
      }),
      (err: unknown) => {
        assert.ok(err instanceof ServerStartError);
        assert.match(err.message, /mute was not ready within 700 ms/);
        assert.match(err.message, /booting: config sanity XYZZY/);
        pid = Number(/\n(\d+)/.exec(err.diagnostics)?.[1]);
        return true;
      },
    );
    assert.ok(Date.now() - t0 < 5000);
    assert.ok(pid && pid > 0);
    assert.equal(await gone(pid), true, 'timed-out server left behind');
  });

  test('a server that exits early fails at once with its exit code, output and log files', async () => {
    const t0 = Date.now();
    await assert.rejects(
      startServer({
        name: 'broken',
        command: 'sh',
        args: () => ['-c', 'echo "emerg: unknown directive frobnicate" > error.log; echo "bad config" >&2; exit 3'],
        timeout: 10_000,
      }),
      (err: unknown) => {
        assert.ok(err instanceof ServerStartError);
        assert.match(err.message, /broken exited with code 3 before it was ready/);
        assert.match(err.message, /bad config/);
        assert.match(err.message, /unknown directive frobnicate/);
        return true;
      },
    );
    assert.ok(Date.now() - t0 < 5000, 'early exit must not wait for the deadline');
  });

  test('ready: { path } waits for a file inside the temp dir', async () => {
    const srv = await startServer({
      name: 'pidfile',
      command: 'sh',
      args: () => ['-c', 'sleep 0.3; echo $$ > server.pid; exec sleep 300'],
      ready: { path: 'server.pid' },
    });
    try {
      assert.equal(Number(readFileSync(join(srv.dir, 'server.pid'), 'utf8')), srv.pid);
    } finally {
      await srv.stop();
    }
    assert.equal(await gone(srv.pid!), true);
  });

  test('retries on fresh ports when the server reports "Address already in use"', async () => {
    const marker = mkdtempSync(join(tmpdir(), 'dialtone-retry-'));
    try {
      const srv = await startServer({
        name: 'flaky-bind',
        command: NODE,
        args: (ctx) => [
          '-e',
          `const fs = require('fs'), m = process.argv[2] + '/tried';
           if (!fs.existsSync(m)) { fs.writeFileSync(m, ''); console.error('bind() to 127.0.0.1 failed: Address already in use'); process.exit(1); }
           ${LISTEN}`,
          String(ctx.port),
          marker,
        ],
      });
      await srv.stop();
      assert.ok(existsSync(join(marker, 'tried')));
    } finally {
      rmSync(marker, { recursive: true, force: true });
    }
  });
});

describe('config templates', () => {
  test('renderTemplate fills placeholders and refuses an unknown one', () => {
    assert.equal(renderTemplate('listen {{host}}:{{ port }};', { host: '127.0.0.1', port: 8080 }), 'listen 127.0.0.1:8080;');
    assert.throws(() => renderTemplate('root {{rooot}};', { root: '/x' }), /no value for \{\{rooot\}\}/);
  });

  test('startServer renders the config into the temp dir with built-in vars, and writes extra files', async () => {
    const tplDir = mkdtempSync(join(tmpdir(), 'dialtone-tpl-'));
    const tpl = join(tplDir, 'fake.conf');
    writeFileSync(tpl, 'dir={{dir}}\nport={{port}}\nsecond={{port1}}\ngreeting={{greeting}}\n');
    try {
      const srv = await startServer({
        name: 'templated',
        command: NODE,
        ports: 2,
        config: { template: tpl, vars: { greeting: 'hello' } },
        files: { 'www/index.html': '<h1>x</h1>' },
        args: (ctx) => ['-e', LISTEN, String(ctx.ports[1])],
        ready: { port: (ctx) => ctx.ports[1]! },
      });
      try {
        assert.equal(srv.configPath, join(srv.dir, 'fake.conf'));
        assert.equal(
          readFileSync(srv.configPath!, 'utf8'),
          `dir=${srv.dir}\nport=${srv.ports[0]}\nsecond=${srv.ports[1]}\ngreeting=hello\n`,
        );
        assert.equal(readFileSync(join(srv.dir, 'www/index.html'), 'utf8'), '<h1>x</h1>');
      } finally {
        await srv.stop();
      }
    } finally {
      rmSync(tplDir, { recursive: true, force: true });
    }
  });
});

describe('inetd mode', () => {
  test('runs the command once per connection with the socket as stdin/stdout', async () => {
    const srv = await startServer({ name: 'cat', command: 'cat', inetd: true, args: () => [] });
    try {
      for (const word of ['one', 'two']) {
        const echoed = await new Promise<string>((resolve, reject) => {
          const s = net.connect(srv.port, '127.0.0.1');
          const parts: Buffer[] = [];
          s.on('data', (d: Buffer) => parts.push(d));
          s.on('end', () => resolve(Buffer.concat(parts).toString()));
          s.on('error', reject);
          s.end(`${word}\n`);
        });
        assert.equal(echoed, `${word}\n`);
      }
    } finally {
      await srv.stop();
    }
    assert.equal(await canConnect(srv.port), false);
  });

  test('gophernicus (inetd-only, refuses root) serves a menu under user nobody', async () => {
    const srv = await startServer({
      name: 'gophernicus',
      command: 'gophernicus',
      inetd: true,
      user: 'nobody',
      files: { 'root/hello.txt': 'hello gopher\n' },
      args: (ctx) => ['-h', 'localhost', '-p', String(ctx.port), '-r', join(ctx.dir, 'root'), '-nf'],
    });
    try {
      const fetch = (selector: string) =>
        new Promise<string>((resolve, reject) => {
          const s = net.connect(srv.port, '127.0.0.1');
          const parts: Buffer[] = [];
          s.on('data', (d: Buffer) => parts.push(d));
          s.on('end', () => resolve(Buffer.concat(parts).toString()));
          s.on('error', (e) => reject(new Error(`${e.message}\n${srv.diagnostics()}`)));
          s.write(`${selector}\r\n`);
        });
      assert.match(await fetch(''), /^0hello\.txt[^\t]*\t\/hello\.txt\tlocalhost\t\d+\r\n/m);
      assert.equal(await fetch('/hello.txt'), 'hello gopher\r\n');
    } finally {
      await srv.stop();
    }
  });
});
