import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFeatures, parsePwd, parseSizeReply } from '../../../../src/protocols/ftp/core/features.js';
import { parseReply } from '../../../../src/line/replies.js';

test('parseFeatures reads a FEAT reply through the line layer', () => {
  const r = parseReply(['211-Features:', ' EPRT', ' MDTM', ' MLST type*;size*;modify*;', ' REST STREAM', ' utf8', '211 End']);
  const f = parseFeatures(r.lines);
  assert.deepEqual([...f.keys()], ['EPRT', 'MDTM', 'MLST', 'REST', 'UTF8']);
  assert.equal(f.get('MLST'), 'type*;size*;modify*;');
  assert.equal(f.get('REST'), 'STREAM');
});
test('parseFeatures on a single-line reply is empty', () => assert.equal(parseFeatures(['No features']).size, 0));
test('parsePwd undoes doubled quotes', () => {
  assert.equal(parsePwd('"/a ""b"" c" is current'), '/a "b" c');
  assert.equal(parsePwd('"/" is the current directory'), '/');
  assert.equal(parsePwd('no quotes'), undefined);
});
test('parseSizeReply', () => {
  assert.equal(parseSizeReply('6442450944'), 6442450944);
  assert.equal(parseSizeReply('12 bytes'), undefined);
  assert.equal(parseSizeReply('99999999999999999'), undefined);
});
