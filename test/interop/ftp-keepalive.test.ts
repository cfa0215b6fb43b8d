/**
 * The control connection during a long transfer, against vsftpd with an
 * idle_session_timeout (2 s) far shorter than a deliberately slow download
 * (~5 s, paced by our reader so vsftpd stays blocked writing): vsftpd counts
 * data activity as activity, so the session survives without any NOOP on
 * the control connection, and only real idleness afterwards ends it (421).
 * This is the evidence behind the client's choice not to send NOOP
 * mid-transfer (see transfer.ts).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, ftruncateSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FtpClient } from '../../src/protocols/ftp/index.js';
import { ReplyError } from '../../src/errors.js';
import { CONFIG_DIR, LOOPBACK, startServer, type RunningServer } from './harness.js';
import { freeRange, makeTree } from './ftp-helpers.js';

const SIZE = 48 * 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let root: string;
let srv: RunningServer;
let conf: string;

before(async () => {
  root = makeTree(false);
  const fd = openSync(join(root, 'pub', 'slow.bin'), 'w');
  ftruncateSync(fd, SIZE);
  closeSync(fd);
  // The shared template with a 2 s idle timeout: written beside the tree, not into the repo.
  conf = join(root, '..', `vsftpd-idle-${process.pid}.conf`);
  writeFileSync(conf, readFileSync(join(CONFIG_DIR, 'vsftpd.conf'), 'utf8').replace(/^idle_session_timeout=\d+$/m, 'idle_session_timeout=2'));
  const pasv = await freeRange(10);
  srv = await startServer({
    name: 'vsftpd-idle',
    command: 'vsftpd',
    files: { 'empty/.keep': '' },
    config: {
      template: conf,
      file: 'vsftpd.conf',
      vars: { anon_root: root, pasv_min: pasv[0], pasv_max: pasv[1], ssl: 'NO', implicit: 'NO', cert: '/dev/null', key: '/dev/null' },
    },
    args: (ctx) => [ctx.configPath!],
  });
});
after(async () => {
  await srv?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
  if (conf) rmSync(conf, { force: true });
});

test('vsftpd idle_session_timeout=2 s, a ~5 s paced download: the session lives on (data counts as activity); 3 s of real idleness ends it with 421', async () => {
  const c = await FtpClient.connect({ host: LOOPBACK, port: srv.port, timeout: 15_000, dataTimeout: 15_000 });
  const started = Date.now();
  const rate = SIZE / 5000; // bytes per ms
  let n = 0;
  for await (const chunk of await c.retrieve('/pub/slow.bin')) {
    n += chunk.length;
    const ahead = n / rate - (Date.now() - started);
    if (ahead > 5) await sleep(ahead);
  }
  const took = Date.now() - started;
  assert.equal(n, SIZE);
  assert.ok(took > 4000, `the transfer took ${took} ms, not long enough to outlast the idle timeout`);
  assert.equal((await c.noop()).code, 200);
  await sleep(3500);
  await assert.rejects(c.noop(), (e: unknown) => (e instanceof ReplyError && e.reply?.code === 421) || (e as { code?: string }).code === 'DIAL_E_CLOSED');
  assert.equal(c.usable, false);
  await c.close();
});
