import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeArgv, parseCliArgs } from '../../src/cli/args.js';
import { CliExit } from '../../src/cli/exit-codes.js';
import { splitFtpPort } from '../../src/cli/ftp-port.js';

const exit2 = (argv: string[], re?: RegExp) =>
  assert.throws(() => parseCliArgs(argv), (e: unknown) => e instanceof CliExit && e.exitCode === 2 && (!re || re.test(e.message)));

test('short clusters and glued values parse as curl', () => {
  const o = parseCliArgs(['-sSfL', '-ofile', 'http://a/']);
  assert.equal(o.silent, true);
  assert.equal(o.showError, true);
  assert.equal(o.fail, true);
  assert.equal(o.location, true);
  assert.deepEqual(o.urls, [{ url: 'http://a/', output: 'file', remoteName: false }]);
});

test('a value may start with a dash (-d -x, -C -)', () => {
  assert.deepEqual(normalizeArgv(['-d', '-x', 'u']), ['--data=-x', 'u']);
  const o = parseCliArgs(['-C', '-', '-d', '--weird', 'u']);
  assert.equal(o.continueAt, 'auto');
  assert.deepEqual(o.data, [{ kind: 'ascii', value: '--weird' }]);
});

test('-o and -O pair with URLs in order; extra URLs go to stdout', () => {
  const o = parseCliArgs(['u1', '-o', 'a', 'u2', '-O', 'u3']);
  assert.deepEqual(o.urls.map((u) => [u.url, u.output, u.remoteName]), [
    ['u1', 'a', false],
    ['u2', undefined, true],
    ['u3', undefined, false],
  ]);
});

test('repeatable -H and -d keep their order; data kinds are recorded', () => {
  const o = parseCliArgs(['-H', 'A: 1', '-H', 'B: 2', '-d', 'x=1', '--data-binary', '@f', '--data-urlencode', 'n=a b', 'u']);
  assert.deepEqual(o.headers, ['A: 1', 'B: 2']);
  assert.deepEqual(o.data.map((d) => d.kind), ['ascii', 'binary', 'urlencode']);
});

test('numbers: --max-time takes fractions, --retry an integer, junk is exit 2', () => {
  assert.equal(parseCliArgs(['--max-time', '1.5', 'u']).maxTime, 1.5);
  assert.equal(parseCliArgs(['--retry', '3', 'u']).retry, 3);
  assert.equal(parseCliArgs(['-C', '100', 'u']).continueAt, 100);
  exit2(['--max-time', 'soon', 'u'], /numerical/);
  exit2(['--retry', '1.5', 'u'], /numerical/);
  exit2(['--max-redirs', '-5', 'u']);
});

test('--max-filesize understands k/M/G', () => {
  assert.equal(parseCliArgs(['--max-filesize', '2k', 'u']).maxFilesize, 2048);
  assert.equal(parseCliArgs(['--max-filesize', '1M', 'u']).maxFilesize, 1048576);
});

test('--max-time 0 and --max-filesize 0 mean no limit, as curl (not: fail at once)', () => {
  assert.equal(parseCliArgs(['--max-time', '0', 'u']).maxTime, undefined);
  assert.equal(parseCliArgs(['-m', '0.0', 'u']).maxTime, undefined);
  assert.equal(parseCliArgs(['--max-filesize', '0', 'u']).maxFilesize, undefined);
  assert.equal(parseCliArgs(['--max-filesize', '0k', 'u']).maxFilesize, undefined);
  assert.equal(parseCliArgs(['--max-time', '0.25', 'u']).maxTime, 0.25);
});

test('unknown options are exit 2 with curl wording', () => {
  exit2(['--frobnicate', 'u'], /option --frobnicate: is unknown/);
  exit2(['-W', 'u'], /is unknown/);
});

test('conflicting request kinds are refused (curl: one HTTP method)', () => {
  exit2(['-I', '-d', 'x', 'u'], /HEAD \(-I\) and POST \(-d\)|POST \(-d\)/);
  exit2(['-F', 'a=b', '-d', 'x', 'u'], /one HTTP request method/);
  exit2(['-T', 'f', '-d', 'x', 'u'], /one HTTP request method/);
  exit2(['--json', '{}', '-d', 'x', 'u'], /json/);
  exit2(['-C', '5', '-r', '0-9', 'u'], /mutually exclusive/);
  exit2(['-r', 'abc', 'u'], /range/);
  exit2(['--resolve', 'nope', 'u'], /resolve/);
});

test('-G with -d is a GET, not a conflict with -I', () => {
  const o = parseCliArgs(['-G', '-d', 'q=1', 'u']);
  assert.equal(o.get, true);
});

test('--http1.0 (-0) and --http1.1: the last one wins, as in curl; neither means the default', () => {
  assert.equal(parseCliArgs(['http://h/']).httpVersion, undefined);
  assert.equal(parseCliArgs(['-0', 'http://h/']).httpVersion, '1.0');
  assert.equal(parseCliArgs(['-s0', 'http://h/']).httpVersion, '1.0');
  assert.equal(parseCliArgs(['--http1.0', '--http1.1', 'http://h/']).httpVersion, '1.1');
  assert.equal(parseCliArgs(['--http1.1', '-0', 'http://h/']).httpVersion, '1.0');
});

test('--basic, --digest, --anyauth: the last one wins; none leaves the default', () => {
  assert.equal(parseCliArgs(['-u', 'a:b', 'http://h/']).authScheme, undefined);
  assert.equal(parseCliArgs(['--digest', 'http://h/']).authScheme, 'digest');
  assert.equal(parseCliArgs(['--digest', '--basic', 'http://h/']).authScheme, 'basic');
  assert.equal(parseCliArgs(['--basic', '--anyauth', 'http://h/']).authScheme, 'any');
});

test('-P and --ftp-pasv: the last one wins (-P keeps its address); --ftp-create-dirs', () => {
  assert.equal(parseCliArgs(['ftp://h/']).ftpPort, undefined);
  assert.equal(parseCliArgs(['-P', '-', 'ftp://h/']).ftpPort, '-');
  assert.equal(parseCliArgs(['--ftp-port', '10.0.0.1', 'ftp://h/']).ftpPort, '10.0.0.1');
  assert.deepEqual(splitFtpPort('10.0.0.1:40000-40010'), { address: '10.0.0.1', ports: [40000, 40010] });
  assert.deepEqual(splitFtpPort('[::1]:5'), { address: '::1', ports: [5, 5] });
  assert.deepEqual(splitFtpPort('::1'), { address: '::1', ports: undefined });
  assert.deepEqual(splitFtpPort('eth0'), { address: 'eth0', ports: undefined });
  assert.equal(parseCliArgs(['-P', '-', '--ftp-pasv', 'ftp://h/']).ftpPort, undefined);
  assert.equal(parseCliArgs(['--ftp-create-dirs', 'ftp://h/']).ftpCreateDirs, true);
  assert.equal(parseCliArgs(['ftp://h/']).ftpCreateDirs, false);
});

test('-4 and -6: the last one wins; --output-dir and -R are read', () => {
  assert.equal(parseCliArgs(['http://h/']).ipFamily, undefined);
  assert.equal(parseCliArgs(['-4', 'http://h/']).ipFamily, 4);
  assert.equal(parseCliArgs(['-4', '-6', 'http://h/']).ipFamily, 6);
  assert.equal(parseCliArgs(['-6', '-4', 'http://h/']).ipFamily, 4);
  const o = parseCliArgs(['--output-dir', 'd', '-R', '-N', 'http://h/']);
  assert.equal(o.outputDir, 'd');
  assert.equal(o.remoteTime, true);
  assert.equal(o.noBuffer, true);
  assert.equal(parseCliArgs(['http://h/']).noBuffer, false);
});

test('--socks5-hostname becomes a socks5h proxy URL', () => {
  assert.equal(parseCliArgs(['--socks5-hostname', 'h:1080', 'u']).proxy, 'socks5h://h:1080');
  assert.equal(parseCliArgs(['-x', 'http://p:3128', 'u']).proxy, 'http://p:3128');
});

test('defaults match curl: 50 redirects, parallel-max 50, no retries', () => {
  const o = parseCliArgs(['u']);
  assert.equal(o.maxRedirs, 50);
  assert.equal(o.parallelMax, 50);
  assert.equal(o.retry, 0);
  assert.equal(o.location, false);
});

test('--url adds URLs like positionals; --remote-name-all names every URL', () => {
  const o = parseCliArgs(['--url', 'a', 'b', '--remote-name-all']);
  assert.deepEqual(o.urls.map((u) => [u.url, u.remoteName]), [['a', true], ['b', true]]);
});

test('-- ends options', () => {
  const o = parseCliArgs(['-s', '--', '-notanoption']);
  assert.deepEqual(o.urls.map((u) => u.url), ['-notanoption']);
});

// Found by fuzzing parseCliArgs with odd numbers, curl 7.88 as the oracle: an integer option
// took '0x10' and '1e3' (curl: expected a proper numerical parameter) and kept a 23-digit
// value rounded to 1e23 (curl: too large number), which -C then sent in a Range header.
test('integer options take decimal digits only, and refuse what a number cannot hold exactly', () => {
  for (const [o, v] of [['--retry', '0x10'], ['--retry', '1e3'], ['--parallel-max', '0x10'], ['--max-redirs', '5 '], ['-C', '1e3']]) exit2([o!, v!, 'u'], /proper numerical/);
  for (const [o, v] of [['--retry', '99999999999999999999999'], ['-C', '9007199254740993'], ['--max-redirs', '99999999999999999999999'], ['--max-filesize', '99999999999999999999k']]) exit2([o!, v!, 'u'], /too large number/);
  assert.equal(parseCliArgs(['--retry', ' 5', 'u']).retry, 5);
  assert.equal(parseCliArgs(['--retry', '+5', 'u']).retry, 5);
  assert.equal(parseCliArgs(['-C', '9007199254740991', 'u']).continueAt, 9007199254740991);
  assert.equal(parseCliArgs(['--max-time', '1e1', 'u']).maxTime, 10);
});


test('-b (repeatable, in order), -c and -j', () => {
  const o = parseCliArgs(['-b', 'a=1', '-b', 'jar.txt', '-c', 'out.txt', '-j', 'u']);
  assert.deepEqual(o.cookies, ['a=1', 'jar.txt']);
  assert.equal(o.cookieJar, 'out.txt');
  assert.equal(o.junkSessionCookies, true);
  const none = parseCliArgs(['u']);
  assert.deepEqual([none.cookies, none.cookieJar, none.junkSessionCookies], [[], undefined, false]);
});

test('-f with --fail-with-body is exit 2, as curl (which will not pick one for you)', () => {
  exit2(['-f', '--fail-with-body', 'http://a/'], /either --fail or --fail-with-body/);
  exit2(['--fail-with-body', '-f', 'http://a/'], /either --fail or --fail-with-body/);
  assert.equal(parseCliArgs(['--fail-with-body', 'http://a/']).failWithBody, true);
});

test('--parallel-max 0 is the default 50, as curl; over 300 is 300; negative is exit 2', () => {
  assert.equal(parseCliArgs(['--parallel-max', '0', 'u']).parallelMax, 50);
  assert.equal(parseCliArgs(['--parallel-max', '1000', 'u']).parallelMax, 300);
  assert.equal(parseCliArgs(['--parallel-max', '7', 'u']).parallelMax, 7);
  exit2(['--parallel-max', '-3', 'u']);
});

test("-o '' is exit 2 before anything is sent, as curl ('option -o: is badly used here'), not a failed write (23)", () => {
  exit2(['-o', '', 'http://a/'], /option (-o|--output): is badly used here/);
  exit2(['--output=', 'http://a/'], /option --output: is badly used here/);
});

test('-Q: -CMD after the transfer, +CMD just before it, others before the CWDs; a * after the sign is kept; a value starting with - is still -Q\'s', () => {
  const o = parseCliArgs(['-Q', 'NOOP', '-Q', '-SITE a', '--quote', '+*SITE b', '-Q', '*DELE x', '-Q-HELP', 'ftp://h/f']);
  assert.deepEqual(o.quote, { before: ['NOOP', '*DELE x'], pre: ['*SITE b'], after: ['SITE a', 'HELP'] });
  assert.deepEqual(parseCliArgs(['ftp://h/f']).quote, { before: [], pre: [], after: [] });
});

test('-a, -B, --crlf, --ftp-account; --ftp-method (an unknown one is curl\'s warning and the default)', () => {
  const o = parseCliArgs(['-aB', '--crlf', '--ftp-account', 'acme', '--ftp-method', 'nocwd', 'ftp://h/f']);
  assert.equal(o.append, true);
  assert.equal(o.useAscii, true);
  assert.equal(o.crlf, true);
  assert.equal(o.ftpAccount, 'acme');
  assert.equal(o.ftpMethod, 'nocwd');
  const bad = parseCliArgs(['--ftp-method', 'x', 'ftp://h/f']);
  assert.equal(bad.ftpMethod, undefined);
  assert.deepEqual(bad.warnings, ["Warning: unrecognized ftp file method 'x', using default"]);
});

test('--disable-epsv/--epsv, --disable-eprt/--eprt, --ftp-skip-pasv-ip and their --no- forms: the last one wins; each on by default', () => {
  const d = parseCliArgs(['ftp://h/f']);
  assert.deepEqual([d.epsv, d.eprt, d.ftpSkipPasvIp], [true, true, true]);
  const off = parseCliArgs(['--disable-epsv', '--disable-eprt', '--no-ftp-skip-pasv-ip', 'ftp://h/f']);
  assert.deepEqual([off.epsv, off.eprt, off.ftpSkipPasvIp], [false, false, false]);
  const on = parseCliArgs(['--disable-epsv', '--epsv', '--disable-eprt', '--no-disable-eprt', '--no-ftp-skip-pasv-ip', '--ftp-skip-pasv-ip', 'ftp://h/f']);
  assert.deepEqual([on.epsv, on.eprt, on.ftpSkipPasvIp], [true, true, true]);
});
