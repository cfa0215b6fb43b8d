import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyBody } from '../../src/cli/copy-body.js';
import { CliExit } from '../../src/cli/exit-codes.js';
import type { Sink } from '../../src/cli/output.js';
import { UrlHeaders } from '../../src/urlopen/headers.js';
import { UrlResponse } from '../../src/urlopen/response.js';

function response(...chunks: string[]): UrlResponse {
  async function* body() {
    for (const c of chunks) yield Buffer.from(c);
  }
  return new UrlResponse({ url: 'x:/', status: 200, protocol: 'x', headers: new UrlHeaders(), body: body() });
}

/** A sink that records what it is given: by promise, or at once (writeNow) when `sync`; every other writeNow call answers with a promise, as a full pipe does. */
function recorder(sync: boolean): Sink & { got: string[] } {
  const got: string[] = [];
  const sink = {
    got,
    written: 0,
    name: '',
    write: async (c: Uint8Array) => void got.push(Buffer.from(c).toString()),
    commit: async () => {},
    abort: async () => {},
  } as unknown as Sink & { got: string[] };
  let calls = 0;
  if (sync)
    (sink as { writeNow?: (c: Uint8Array) => void | Promise<void> }).writeNow = (c) => {
      got.push(`sync:${Buffer.from(c).toString()}`);
      return ++calls % 2 === 0 ? new Promise((r) => setTimeout(r, 2)) : undefined;
    };
  return sink;
}

for (const sync of [false, true]) {
  const how = sync ? 'a sink that writes at once' : 'a sink that writes by promise';
  test(`copyBody to ${how}: every chunk, reported after each write`, async () => {
    const sink = recorder(sync);
    const reports: number[] = [];
    await copyBody(response('abc', '', 'de'), sink, 0, (n) => reports.push(n));
    assert.deepEqual(sink.got, sync ? ['sync:abc', 'sync:de'] : ['abc', 'de']);
    assert.deepEqual(reports, [3, 2]);
  });

  test(`copyBody to ${how}: the first bytes a resume holds are dropped, across chunks`, async () => {
    const sink = recorder(sync);
    const reports: number[] = [];
    await copyBody(response('ab', 'cd', 'ef'), sink, 3, (n) => reports.push(n));
    assert.deepEqual(sink.got.map((s) => s.replace('sync:', '')), ['d', 'ef']);
    assert.deepEqual(reports, [1, 2]);
  });

  test(`copyBody to ${how}: a body shorter than what is held is exit 18, with nothing written`, async () => {
    const sink = recorder(sync);
    await assert.rejects(copyBody(response('ab'), sink, 5, () => assert.fail('nothing to report')), (e: unknown) => e instanceof CliExit && e.exitCode === 18);
    assert.deepEqual(sink.got, []);
  });
}
