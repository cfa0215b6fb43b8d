/**
 * How one request authenticates to the origin server across its hops, with
 * the schemes the caller allows — curl's `--basic`, `--digest` and
 * `--anyauth`, and a default that gets in wherever a user would expect.
 *
 * @module
 */
import { AwsSigner } from './aws-sigv4.js';
import { basicCredentials } from './basic.js';
import { DigestAuth, parseChallenges } from './digest.js';

/**
 * Which schemes a request may use (RFC 9110 §11):
 * - `'basic'` — Basic with the first request, nothing else (curl `--basic`,
 *   and curl's plain `-u`);
 * - `'digest'` — nothing with the first request, so the password never
 *   travels in the clear; a Digest challenge is answered (curl `--digest`);
 * - `'any'` — nothing with the first request; a 401 is answered with the
 *   strongest scheme it offers, Digest before Basic (curl `--anyauth`).
 *
 * Without one: Basic with the first request, and a Digest challenge to it
 * answered, so a server that wants Digest still lets the user in.
 */
export type AuthScheme = 'basic' | 'digest' | 'any';

/** How many 401s one request answers before the last one is its answer (a stale nonce may need a second). */
const MAX_ANSWERS = 3;

/** One request's state: which scheme it is on, and the Digest nonce count. */
export class ServerAuth {
  readonly #user: string;
  readonly #password: string;
  readonly #scheme: AuthScheme | undefined;
  #digest: DigestAuth | undefined;
  /** Basic goes with the next hops. */
  #basic: boolean;
  #answers = 0;

  /** Set when the request is signed with AWS Signature Version 4 (`awsSigV4`): then no other scheme is used and no 401 is answered. */
  readonly aws: AwsSigner | undefined;

  constructor(creds: { user: string; password: string }, scheme: AuthScheme | undefined, awsSigV4?: string) {
    this.#user = creds.user;
    this.#password = creds.password;
    this.#scheme = scheme;
    this.aws = awsSigV4 === undefined ? undefined : new AwsSigner(awsSigV4, creds);
    this.#basic = this.aws === undefined && (scheme === undefined || scheme === 'basic');
  }

  /** The Authorization value for a hop (`target` as on the request line), or undefined to send none. */
  authorization(method: string, target: string, body: Uint8Array | undefined): string | undefined {
    if (this.aws) return undefined;
    const digest = this.#digest?.authorize(method, target, body);
    if (digest !== undefined) return digest;
    return this.#basic ? basicCredentials(this.#user, this.#password) : undefined;
  }

  /**
   * A 401's WWW-Authenticate values. Names the scheme the request should be
   * sent again with, or undefined when the 401 is the answer: the scheme
   * allows none of those offered, the credentials were refused (a new
   * challenge without `stale=true`), or it has been answered enough.
   */
  challenged(wwwAuthenticate: readonly string[]): 'digest' | 'basic' | undefined {
    if (this.aws || this.#scheme === 'basic' || this.#answers >= MAX_ANSWERS) return undefined;
    const challenges = parseChallenges(wwwAuthenticate);
    this.#digest ??= new DigestAuth(this.#user, this.#password);
    const digestSent = this.#digest.challenge !== undefined;
    if (this.#digest.accept(challenges)) {
      this.#answers++;
      return 'digest';
    }
    // A Digest answer refused: the credentials are wrong, and Basic would only send them in the clear.
    if (digestSent) return undefined;
    if (this.#scheme === 'any' && !this.#basic && challenges.some((c) => c.scheme === 'basic')) {
      this.#basic = true;
      this.#answers++;
      return 'basic';
    }
    return undefined;
  }
}
