// Random values and JWT-shaped tokens. Zoom's access tokens are JWTs whose `exp` a client may
// read as a hint; these carry the same claims, signed with a key that lives and dies with
// one simulator, and are looked up in the simulator's state, never trusted by signature.

import { createHmac, randomBytes, randomInt } from "node:crypto";

const JWT_HEADER = base64url(JSON.stringify({ alg: "HS512", typ: "JWT", v: "2.0", sv: "sim" }));

export function base64url(input) {
  return Buffer.from(input).toString("base64url");
}

/** `bytes` random bytes, base64url-encoded without padding. */
export function randomToken(bytes = 24) {
  return randomBytes(bytes).toString("base64url");
}

const DIGITS = "0123456789";
const ALPHANUMERIC = `${DIGITS}ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz`;

function randomFrom(alphabet, length) {
  let text = "";
  while (text.length < length) text += alphabet[randomInt(0, alphabet.length)];
  return text;
}

/** A string of `length` random decimal digits. */
export function randomDigits(length) {
  return randomFrom(DIGITS, length);
}

/** A passcode of the kind Zoom generates: six letters and digits. */
export function randomPasscode() {
  return randomFrom(ALPHANUMERIC, 6);
}

/** A meeting UUID as Zoom writes one: 16 random bytes in standard base64, so `/+=` occur. */
export function randomUuid() {
  return randomBytes(16).toString("base64");
}

/** A random integer with exactly `digits` digits whose first digit is in `[first, last]`. */
export function randomId(digits, first = 1, last = 9) {
  const scale = 10 ** (digits - 1);
  return randomInt(first * scale, (last + 1) * scale);
}

export function newSigningKey() {
  return randomBytes(32);
}

/** A signed JWT carrying `claims` plus a random `jti`, so no two tokens are alike. */
export function signJwt(claims, key) {
  const payload = base64url(JSON.stringify({ ...claims, jti: randomToken(16) }));
  const signature = createHmac("sha512", key)
    .update(`${JWT_HEADER}.${payload}`)
    .digest("base64url");
  return `${JWT_HEADER}.${payload}.${signature}`;
}
