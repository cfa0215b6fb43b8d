/**
 * Public-key pinning as curl's `--pinnedpubkey` does it: a pin is the
 * base64 SHA-256 of the peer certificate's SubjectPublicKeyInfo (DER), the
 * value of `sha256//…`, and a connection goes on only when the certificate's
 * key has one of the pins. Checked after the normal verification, and with
 * verification off too, so a pin still holds with `-k`.
 *
 * @module
 */
import { nodeCrypto } from '../util/builtins.js';

/** The base64 SHA-256 of a DER SubjectPublicKeyInfo: the form of one pin. */
export function pinOfSpki(spki: Uint8Array): string {
  return nodeCrypto().createHash('sha256').update(spki).digest('base64');
}

/**
 * The pins of curl's `sha256//A;sha256//B` text, or undefined when the text
 * does not start with `sha256//` (curl then reads it as a file name). As
 * curl, entries are split only at `;sha256//`, so a stray `;x` stays part of
 * the entry before it (and so matches nothing).
 */
export function parsePins(spec: string): string[] | undefined {
  if (!spec.startsWith('sha256//')) return undefined;
  return spec.slice('sha256//'.length).split(';sha256//');
}

/**
 * The pin of a public-key file's bytes, PEM (`-----BEGIN PUBLIC KEY-----`)
 * or DER (SubjectPublicKeyInfo); undefined when it holds neither — a
 * certificate or a private key is not a public-key file, as for curl.
 */
export function pinOfPublicKeyFile(bytes: Uint8Array): string | undefined {
  const crypto = nodeCrypto();
  const text = Buffer.from(bytes).toString('latin1');
  const pem = /-----BEGIN PUBLIC KEY-----([\s\S]*?)-----END PUBLIC KEY-----/.exec(text);
  const der = pem ? Buffer.from(pem[1]!.replace(/\s+/g, ''), 'base64') : Buffer.from(bytes);
  try {
    // Parsed and written out again, so only a well-formed key counts and the bytes hashed are its canonical DER.
    const spki = crypto.createPublicKey({ key: der, format: 'der', type: 'spki' }).export({ format: 'der', type: 'spki' });
    return pinOfSpki(spki);
  } catch {
    return undefined;
  }
}

/** Whether a certificate's public key (its DER SubjectPublicKeyInfo) has one of `pins`. */
export function matchesPin(pubkey: Uint8Array | undefined, pins: readonly string[]): boolean {
  if (pubkey === undefined || pubkey.length === 0) return false;
  const pin = pinOfSpki(pubkey);
  return pins.includes(pin);
}
