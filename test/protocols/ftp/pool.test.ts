/**
 * FtpPool against the in-process fake server: parallel transfers on at most
 * `size` sessions (queueing past it), idle sessions closed, broken and stale
 * sessions replaced, close() rejecting what waits.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type * as net from 'node:net';
import { FtpClient, FtpPool } from '../../../src/protocols/ftp/index.js';
import { DialError, ReplyError } from '../../../src/errors.js';
import { FakeFtpServer, type FakeFtpOptions } from './fake-server.js';
import { runChildScript } from '../../helpers/child-script.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const servers: FakeFtpServer[] = [];
const pools: FtpPool[] = [];
after(async () => {
  for (const p of pools) await p.close();
  for (const s of servers) await s.close();
});

const file = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * seed + 1) & 0xff));

async function server(opts: FakeFtpOptions = {}): Promise<FakeFtpServer> {
  const s = await FakeFtpServer.start(opts);
  servers.push(s);
  return s;
}

function pool(s: FakeFtpServer, extra: Partial<ConstructorParameters<typeof FtpPool>[0]> = {}): FtpPool {
  const p = new FtpPool({ host: '127.0.0.1', port: s.port, timeout: 10_000, ...extra });
  pools.push(p);
  return p;
}

const collect = async (it: AsyncIterable<Uint8Array>) => {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
};

test('six downloads on a pool of two: two sessions, at most two transfers at once, every file whole', async () => {
  let running = 0;
  let peak = 0;
  const files: Record<string, Buffer> = {};
  for (let i = 0; i < 6; i++) files[`/f${i}`] = file(50_000 + i, i + 3);
  const s = await server({
    files,
    hooks: {
      RETR: async (arg, x) => {
        running++;
        peak = Math.max(peak, running);
        const body = x.server.files.get(arg)!;
        x.reply(150, `Opening (${body.length} bytes).`);
        const d = await x.data();
        await sleep(30);
        d.end(body);
        await once(d, 'close').catch(() => {});
        running--;
        x.reply(226, 'Transfer complete.');
        return true;
      },
    },
  });
  const p = pool(s, { size: 2 });
  const got = await Promise.all(Object.keys(files).map(async (name) => collect(await p.retrieve(name))));
  got.forEach((b, i) => assert.ok(b.equals(files[`/f${i}`]!)));
  assert.equal(s.connections, 2);
  assert.equal(peak, 2);
  assert.deepEqual(p.stats, { idle: 2, busy: 0, connecting: 0, queued: 0 });
});

test('store and list run on pooled sessions; a 550 leaves the session in the pool', async () => {
  const s = await server({ dirs: ['/up'] });
  const p = pool(s, { size: 1 });
  await Promise.all([p.store('/up/a.txt', [Buffer.from('a')]), p.store('/up/b.txt', [Buffer.from('bb')])]);
  assert.deepEqual((await p.list('/up')).map((e) => e.name).sort(), ['a.txt', 'b.txt']);
  await assert.rejects(p.retrieve('/nope'), (e: unknown) => e instanceof ReplyError && e.reply?.code === 550);
  assert.ok((await collect(await p.retrieve('/up/b.txt'))).equals(Buffer.from('bb')));
  assert.equal(s.connections, 1);
});

test('a download left early (break) sends ABOR and frees the session for the next request', async () => {
  const s = await server({ files: { '/big': file(2_000_000, 5), '/small': Buffer.from('small') } });
  const p = pool(s, { size: 1 });
  for await (const _ of await p.retrieve('/big')) break;
  assert.ok((await collect(await p.retrieve('/small'))).equals(Buffer.from('small')));
  assert.ok(s.commands.includes('ABOR'));
  assert.equal(s.connections, 1);
});

test('idle sessions are closed (QUIT) after idleTimeout', async () => {
  const s = await server({ files: { '/f': Buffer.from('x') } });
  const p = pool(s, { size: 2, idleTimeout: 100 });
  await Promise.all([collect(await p.retrieve('/f')), collect(await p.retrieve('/f'))]);
  for (let i = 0; i < 100 && p.stats.idle > 0; i++) await sleep(50);
  assert.equal(p.stats.idle, 0);
  for (let i = 0; i < 100 && s.commands.filter((c) => c === 'QUIT').length < 2; i++) await sleep(50);
  assert.equal(s.commands.filter((c) => c === 'QUIT').length, 2);
});

test('a session whose connection breaks mid-operation is dropped and replaced', async () => {
  const s = await server({
    files: { '/f': Buffer.from('fine') },
    hooks: {
      RETR: (arg, x) => {
        if (arg !== '/die') return false;
        x.control.destroy();
        return true;
      },
    },
  });
  const p = pool(s, { size: 1 });
  await assert.rejects(p.retrieve('/die'), DialError);
  assert.ok((await collect(await p.retrieve('/f'))).equals(Buffer.from('fine')));
  assert.equal(s.connections, 2);
});

test('an idle session the server closed (its idle timeout) is retried once on a fresh session, unseen by the caller', async () => {
  const controls: net.Socket[] = [];
  const s = await server({
    files: { '/f': Buffer.from('fresh') },
    hooks: {
      SYST: () => false,
      PWD: (_a, x) => {
        controls.push(x.control);
        return false;
      },
    },
  });
  const p = pool(s, { size: 1 });
  await p.use((c) => c.pwd());
  // The server hangs up on the idle session, as vsftpd's idle_session_timeout would (421, close).
  controls[0]!.end('421 Timeout.\r\n');
  await sleep(100);
  assert.ok((await collect(await p.retrieve('/f'))).equals(Buffer.from('fresh')));
  assert.equal(s.connections, 2);
});

test('a queued request can be withdrawn with its signal; close() rejects queued and later requests', async () => {
  const s = await server({
    files: { '/f': Buffer.from('f') },
    hooks: {
      RETR: async (_a, x) => {
        x.reply(150, 'Opening (1 bytes).');
        const d = await x.data();
        await sleep(300);
        d.end('f');
        await once(d, 'close').catch(() => {});
        x.reply(226, 'ok');
        return true;
      },
    },
  });
  const p = pool(s, { size: 1 });
  const first = p.retrieve('/f').then(collect);
  await sleep(20);
  const ac = new AbortController();
  const withdrawn = p.retrieve('/f', { signal: ac.signal });
  const queued = p.list('/');
  await sleep(20);
  assert.equal(p.stats.queued, 2);
  ac.abort();
  await assert.rejects(withdrawn, { code: 'DIAL_E_ABORT' });
  await p.close();
  await assert.rejects(queued, { code: 'DIAL_E_CLOSED' });
  await assert.rejects(p.retrieve('/f'), { code: 'DIAL_E_CLOSED' });
  assert.ok((await first).equals(Buffer.from('f')));
  for (let i = 0; i < 100 && !s.commands.includes('QUIT'); i++) await sleep(20);
  assert.ok(s.commands.includes('QUIT'));
});

test('close() while a request is still opening its session: that request runs to its end, then the session QUITs', async () => {
  const s = await server({ files: { '/f': Buffer.from('late') } });
  let letConnect!: () => void;
  const gate = new Promise<void>((r) => (letConnect = r));
  let asked!: () => void;
  const connecting = new Promise<void>((r) => (asked = r));
  const p = pool(s, {
    size: 1,
    connect: async (o) => {
      asked();
      await gate;
      return FtpClient.connect(o);
    },
  });
  const first = p.retrieve('/f').then(collect);
  await connecting;
  assert.equal(p.stats.connecting, 1);
  const closing = p.close();
  await assert.rejects(p.retrieve('/f'), { code: 'DIAL_E_CLOSED' });
  letConnect();
  assert.ok((await first).equals(Buffer.from('late')));
  await closing;
  for (let i = 0; i < 100 && !s.commands.includes('QUIT'); i++) await sleep(20);
  assert.ok(s.commands.includes('QUIT'));
  assert.deepEqual(p.stats, { idle: 0, busy: 0, connecting: 0, queued: 0 });
});

test('a session that fails to open while another request waits: the waiting request gets its own attempt, not a hang', async () => {
  const s = await server({ files: { '/f': Buffer.from('second try') } });
  let attempts = 0;
  const p = pool(s, {
    size: 1,
    connect: async (o) => {
      if (++attempts === 1) {
        await sleep(30);
        throw new DialError('DIAL_E_CONNECT', 'connection refused', { protocol: 'ftp' });
      }
      return FtpClient.connect(o);
    },
  });
  const first = p.list('/');
  const queued = p.retrieve('/f');
  await assert.rejects(first, { code: 'DIAL_E_CONNECT' });
  // Before the fix the queued request waited for a release that never came.
  const dl = await Promise.race([queued, sleep(5_000).then(() => assert.fail('the queued request hung after the first session failed to open'))]);
  assert.ok((await collect(dl)).equals(Buffer.from('second try')));
  assert.equal(attempts, 2);
  assert.deepEqual(p.stats, { idle: 1, busy: 0, connecting: 0, queued: 0 });
});

test('idle sessions do not hold the process open: a script that used a pool and never closed it exits on its own', async () => {
  const s = await server({ files: { '/f': Buffer.from('x') } });
  const mod = new URL('../../../src/protocols/ftp/index.js', import.meta.url);
  // idleTimeout 0 keeps the session until close(): before the fix its control socket held the process forever.
  const script = `import { FtpPool } from ${JSON.stringify(mod.href)};
const p = new FtpPool({ host: '127.0.0.1', port: ${s.port}, timeout: 5000, idleTimeout: 0 });
const names = (await p.list('/')).map((e) => e.name);
process.stdout.write(names.join(',') + ' ' + JSON.stringify(p.stats));`;
  const { code, out } = await runChildScript(script, { cwd: fileURLToPath(new URL('.', import.meta.url)) });
  assert.equal(code, 0, `the child did not exit on its own (${code})`);
  assert.equal(out, 'f {"idle":1,"busy":0,"connecting":0,"queued":0}');
});

test('a parked session is taken back in use: its next operation runs and reports to the pool trace', async () => {
  const s = await server({ files: { '/f': Buffer.from('again') } });
  const events: string[] = [];
  const p = pool(s, { size: 1, trace: (e) => void events.push(e.text) });
  assert.ok((await collect(await p.retrieve('/f'))).equals(Buffer.from('again')));
  const before = events.length;
  assert.ok((await collect(await p.retrieve('/f'))).equals(Buffer.from('again')));
  assert.ok(events.slice(before).some((t) => t === 'RETR /f'));
  assert.equal(s.connections, 1);
});
