import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isSelfOrParent, parseFacts, parseMlsdLine } from '../../../../src/protocols/ftp/core/mlsd.js';

describe('MLSD lines', () => {
  test('a file with the usual facts', () => {
    const e = parseMlsdLine('type=file;size=1024;modify=20200102030405;perm=adfr;unix.mode=0644; report.pdf')!;
    assert.equal(e.name, 'report.pdf');
    assert.equal(e.type, 'file');
    assert.equal(e.size, 1024);
    assert.deepEqual(e.modified, new Date(Date.UTC(2020, 0, 2, 3, 4, 5)));
    assert.equal(e.permissions, 'adfr');
    assert.equal(e.facts!['unix.mode'], '0644');
  });
  test('fact names are case-insensitive, values kept', () => {
    const e = parseMlsdLine('Type=DIR;Modify=19991231235959.123; Some Dir')!;
    assert.equal(e.type, 'dir');
    assert.equal(e.name, 'Some Dir');
    assert.equal(e.modified!.getUTCMilliseconds(), 123);
  });
  test('cdir/pdir are dirs and recognised as self/parent', () => {
    const c = parseMlsdLine('type=cdir;modify=20200102030405; .')!;
    const p = parseMlsdLine('type=pdir; ..')!;
    assert.equal(c.type, 'dir');
    assert.ok(isSelfOrParent(c) && isSelfOrParent(p));
    assert.ok(!isSelfOrParent(parseMlsdLine('type=dir; x')!));
  });
  test('symlinks (OS.unix=slink:target)', () => {
    const e = parseMlsdLine('type=OS.unix=slink:/etc/target;size=10; link')!;
    assert.equal(e.type, 'link');
    assert.equal(e.target, '/etc/target');
    assert.equal(parseMlsdLine('type=OS.unix=symlink; l2')!.type, 'link');
  });
  test('sizes past 2^32, unknown types, names with semicolons and leading space (MLST)', () => {
    assert.equal(parseMlsdLine('type=file;size=6442450944; big')!.size, 6442450944);
    assert.equal(parseMlsdLine('type=OS.vms=weird; x')!.type, 'unknown');
    assert.equal(parseMlsdLine('type=file; a;b c')!.name, 'a;b c');
    assert.equal(parseMlsdLine(' type=file;size=3; /abs/path')!.name, '/abs/path');
  });
  test('a bad modify is left out, not invented', () => {
    const e = parseMlsdLine('type=file;modify=20201301000000; f')!;
    assert.equal(e.modified, undefined);
  });
  test('not MLSD', () => {
    for (const l of ['-rw-r--r-- 1 a b 5 Jan 02 2020 f', 'type=file;', 'no facts here', 'type=file;size=1;x']) assert.equal(parseMlsdLine(l), undefined, l);
  });
  test('parseFacts', () => assert.deepEqual(parseFacts('a=1;B=2;;junk;c='), { a: '1', b: '2', c: '' }));
  test('a name may hold U+2028 or a lone CR', () => {
    assert.equal(parseMlsdLine('type=file;size=1; a\u2028b\rc')!.name, 'a\u2028b\rc');
  });
});
