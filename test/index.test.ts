import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as root from '../src/index.js';

test('the root entry gathers every layer: socket, line, errors, urlopen, and each protocol client', () => {
  const fns = {
    Socket: root.Socket,
    LineClient: root.LineClient,
    DialError: root.DialError,
    urlopen: root.urlopen,
    closeIdleSessions: root.closeIdleSessions,
    request: root.request,
    download: root.download,
    Agent: root.Agent,
    FtpClient: root.FtpClient,
    gopherFetch: root.gopherFetch,
    SmtpClient: root.SmtpClient,
    Pop3Client: root.Pop3Client,
    NntpClient: root.NntpClient,
  };
  for (const [name, f] of Object.entries(fns)) assert.equal(typeof f, 'function', name);
});

test('each protocol is also there as a namespace, with its sans-IO core', () => {
  assert.equal(typeof root.http.ResponseParser, 'function');
  assert.equal(typeof root.ftp.FtpClient, 'function');
  assert.equal(typeof root.gopher.parseMenu, 'function');
  assert.equal(typeof root.smtp.parseEhlo, 'function');
  assert.equal(typeof root.pop3.Pop3Client, 'function');
  assert.equal(typeof root.nntp.NntpClient, 'function');
});
