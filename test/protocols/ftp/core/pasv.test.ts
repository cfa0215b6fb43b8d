import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatEprt, formatPort, parseEpsv, parsePasv, parseTransferSize } from '../../../../src/protocols/ftp/core/pasv.js';
import { InputError, ProtocolError } from '../../../../src/errors.js';

describe('parsePasv', () => {
  const good: Array<[string, string, number]> = [
    ['Entering Passive Mode (127,0,0,1,156,64).', '127.0.0.1', 40000],
    ['Entering Passive Mode 10,1,2,3,0,21', '10.1.2.3', 21],
    ['=192,168,1,10,255,255', '192.168.1.10', 65535],
    ['Passive (0,0,0,0,4,1)', '0.0.0.0', 1025],
  ];
  for (const [text, host, port] of good) {
    test(`reads ${text}`, () => assert.deepEqual(parsePasv(text), { host, port }));
  }
  const bad = ['Entering Passive Mode (256,0,0,1,4,1)', 'Entering Passive Mode (1,2,3,4,999,1)', 'Entering Passive Mode (1,2,3,4,1,300)', 'no numbers here', '(1,2,3,4,0,0)', '(1,2,3,4,5)'];
  for (const text of bad) {
    test(`refuses ${text}`, () => assert.throws(() => parsePasv(text), ProtocolError));
  }
});

describe('parseEpsv', () => {
  test('reads |||port|', () => assert.deepEqual(parseEpsv('Entering Extended Passive Mode (|||40001|)'), { host: undefined, port: 40001 }));
  test('accepts another delimiter', () => assert.equal(parseEpsv('Entering Extended Passive Mode (!!!21!)').port, 21));
  for (const text of ['(|||0|)', '(|||65536|)', '(|||99999999|)', '(||40001|)', '(|!|40001|)', 'Entering Extended Passive Mode']) {
    test(`refuses ${text}`, () => assert.throws(() => parseEpsv(text), ProtocolError));
  }
});

describe('PORT / EPRT arguments', () => {
  test('formatPort', () => assert.equal(formatPort('127.0.0.1', 40000), '127,0,0,1,156,64'));
  test('formatPort round-trips through parsePasv', () => {
    for (const port of [1, 255, 256, 1025, 65535]) assert.deepEqual(parsePasv(`(${formatPort('10.0.0.7', port)})`), { host: '10.0.0.7', port });
  });
  test('formatPort refuses IPv6 and bad ports', () => {
    assert.throws(() => formatPort('::1', 21), InputError);
    assert.throws(() => formatPort('1.2.3.4', 0), InputError);
    assert.throws(() => formatPort('1.2.3.256', 21), InputError);
  });
  test('formatEprt v4 and v6', () => {
    assert.equal(formatEprt('127.0.0.1', 2121), '|1|127.0.0.1|2121|');
    assert.equal(formatEprt('::1', 2121), '|2|::1|2121|');
    assert.throws(() => formatEprt('host|evil', 21), InputError);
  });
});

describe('parseTransferSize', () => {
  test('vsftpd style', () => assert.equal(parseTransferSize('Opening BINARY mode data connection for f (5000000000 bytes).'), 5_000_000_000));
  test('absent', () => assert.equal(parseTransferSize('Ok to send data.'), undefined));
});
