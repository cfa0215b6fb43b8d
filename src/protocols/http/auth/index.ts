/** HTTP authentication: Basic (RFC 7617) and Digest (RFC 7616). */
export { basicCredentials, urlCredentials } from './basic.js';
export { ServerAuth, type AuthScheme } from './server-auth.js';
export { DigestAuth, digestAuthorization, DIGEST_ALGORITHMS, parseChallenges, pickDigestChallenge, type Challenge, type DigestInput } from './digest.js';
