import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { formatBarLine, formatBytes, formatDuration, formatMeterLine, Meter } from '../../src/cli/meter.js';
import { parseCliArgs } from '../../src/cli/args.js';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { MAIN, runCommand, startServer, tempDir } from './helpers.js';

test('formatBytes and formatDuration', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1536), '1.50 KiB');
  assert.equal(formatBytes(50 * 1024 * 1024), '50.0 MiB');
  assert.equal(formatDuration(3725), '1:02:05');
  assert.equal(formatDuration(undefined), '--:--:--');
});

test('a meter line shows percent, sizes, rate and ETA', () => {
  const line = formatMeterLine({ label: 'file.iso', transferred: 512 * 1024, total: 1024 * 1024, elapsedMs: 1000 }, 100);
  assert.match(line, /^file\.iso\s+ 50% 512 KiB \/ 1.00 MiB {2}512 KiB\/s {2}0:00:01 ETA 0:00:01$/);
  assert.ok(line.length <= 100);
  assert.match(formatMeterLine({ label: '', transferred: 10, total: undefined, elapsedMs: 0 }), /-% 10 B/);
});

function fakeMeter(enabled: boolean, style: 'line' | 'bar' = 'line') {
  let now = 0;
  const out = new PassThrough();
  let written = '';
  out.on('data', (c: Buffer) => (written += c.toString()));
  const m = new Meter(out, { enabled, style, now: () => now, columns: () => 80, intervalMs: 10_000 });
  return { m, advance: (ms: number) => (now += ms), text: () => written };
}

test('nothing is drawn during the first second, or ever when disabled', () => {
  const f = fakeMeter(true);
  const t = f.m.task('a');
  t.update(10, 100);
  f.advance(500);
  f.m.draw();
  assert.equal(f.text(), '');
  t.done();
  assert.equal(f.text(), '');
  const off = fakeMeter(false);
  const t2 = off.m.task('b');
  off.advance(5000);
  t2.update(1, 2);
  off.m.draw();
  t2.done();
  assert.equal(off.text(), '');
});

test('a long transfer is redrawn in place and ends on its own line', () => {
  const f = fakeMeter(true);
  const t = f.m.task('big');
  f.advance(1500);
  t.update(50, 100);
  f.m.draw();
  assert.match(f.text(), /^\rbig.* 50%/);
  t.update(100, 100);
  t.done();
  assert.match(f.text(), /100%.*\n$/);
  f.m.close();
});

test('parallel transfers get a line each, moved over with cursor-up', () => {
  const f = fakeMeter(true);
  const a = f.m.task('one');
  const b = f.m.task('two');
  f.advance(2000);
  a.update(1, 10);
  b.update(2, 10);
  f.m.draw();
  f.m.draw();
  const out = f.text();
  assert.match(out, /one.*\n.*two/);
  assert.match(out, /\x1b\[1A/);
  a.done();
  b.done();
  f.m.close();
});

// End to end in a pseudo-terminal (util-linux `script`), so stderr is a TTY.

const hasScript = spawnSync('script', ['--version']).status === 0;
const inPty = (args: string[]) => {
  const cmd = [process.execPath, MAIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return runCommand('script', ['-qefc', cmd, '/dev/null'], { env: { COLUMNS: '100' } });
};

test('in a terminal, a transfer longer than a second shows the meter on stderr', async () => {
  assert.ok(hasScript, 'script(1) from util-linux is needed to run dial in a pseudo-terminal');
  const srv = await startServer();
  try {
    const dir = tempDir();
    const r = await inPty(['-o', join(dir, 'f'), srv.url('/slowbody')]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /\r.*\d+%.*\/s.*ETA/);
    assert.match(r.out, /100% 16\.0 KiB \/ 16\.0 KiB/);
    const quiet = await inPty(['-s', '-o', join(dir, 'g'), srv.url('/slowbody')]);
    assert.equal(quiet.out, '');
  } finally {
    await srv.close();
  }
});

test('piped stderr never shows a meter', async () => {
  const srv = await startServer();
  try {
    const dir = tempDir();
    const r = await runCommand(process.execPath, [MAIN, '-o', join(dir, 'f'), srv.url('/slowbody')]);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
  } finally {
    await srv.close();
  }
});

test('-#: curl’s progress bar — # in proportion across the width, the percentage with one decimal; bytes when the size is unknown', () => {
  assert.equal(formatBarLine({ transferred: 50, total: 100 }, 27), `${'#'.repeat(10)}${' '.repeat(10)}  50.0%`);
  assert.equal(formatBarLine({ transferred: 100, total: 100 }, 27), `${'#'.repeat(20)} 100.0%`);
  assert.equal(formatBarLine({ transferred: 0, total: 100 }, 27), `${' '.repeat(20)}   0.0%`);
  assert.equal(formatBarLine({ transferred: 1536, total: undefined }, 12), '    1.50 KiB');
  assert.equal(formatBarLine({ transferred: 10, total: 100 }, 80).length, 80);
  assert.equal(parseCliArgs(['-#', 'http://h/']).progressBar, true);
  assert.equal(parseCliArgs(['http://h/']).progressBar, false);
  const f = fakeMeter(true, 'bar');
  const t = f.m.task('big');
  f.advance(1500);
  t.update(25, 100);
  f.m.draw();
  assert.match(f.text(), /^\r#{18} {54} {2}25\.0%\x1b\[K$/);
  t.update(100, 100);
  t.done();
  f.m.close();
  assert.match(f.text(), /#{72} 100\.0%\x1b\[K\n/);
});
