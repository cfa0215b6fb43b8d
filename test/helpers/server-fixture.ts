/**
 * A describe block's real interop server: a fresh test PKI and the server
 * `start` makes with it, both made in the block's `before` and stopped and
 * removed in its `after`. The mail and news fixtures (eximFixture,
 * dovecotFixture, innFixture) are this with their server's start.
 */
import { after, before } from 'node:test';
import { makeTestPKI, type TestPKI } from '../interop/ca.js';

/** What the fixture stops in `after`. */
export interface Stoppable {
  stop(): Promise<void>;
}

/** The fixture's PKI and server; reading either before `before` ran throws. */
export interface ServerFixture<S> {
  /** The CA the server's certificate is from; its `dir` is private scratch space the fixture removes. */
  readonly pki: TestPKI;
  readonly server: S;
}

/** Call inside a `describe`: the server is up for its tests and gone after them. */
export function serverFixture<S extends Stoppable>(start: (pki: TestPKI) => Promise<S>): ServerFixture<S> {
  let pki: TestPKI | undefined;
  let server: S | undefined;
  before(async () => {
    pki = makeTestPKI();
    server = await start(pki);
  });
  after(async () => {
    try {
      await server?.stop();
    } finally {
      pki?.cleanup();
    }
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`serverFixture: the ${what} is read before the describe's before hook made it`);
    return value;
  };
  return {
    get pki() {
      return ready(pki, 'PKI');
    },
    get server() {
      return ready(server, 'server');
    },
  };
}
