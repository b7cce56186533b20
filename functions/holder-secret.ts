// Per-acquisition holder secrets. Whoever acquires a lease gets a fresh random secret, returned once
// in the acquire answer; renew, release and re-acquiring a lease one already holds need it. It is
// never stored or shown: the store keeps the holder as `<holderId>#<first 32 hex of sha256(secret)>`,
// so the store's own atomic (holder, epoch) checks also check the secret, and every view shows the
// plain holder id. Claiming a holder's id without its secret is just another holder (409).
import { createHash, randomBytes } from "node:crypto";

const SUFFIX = /#[0-9a-f]{32}$/;

export function newHolderSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** The holder id as stored for this holder id and secret. */
export function storedHolder(holderId: string, secret: string): string {
  const mark = createHash("sha256").update(secret, "utf8").digest("hex").slice(0, 32);
  return `${holderId}#${mark}`;
}

/** The holder id a stored one shows (records written before holder secrets show unchanged). */
export function shownHolder(stored: string): string {
  return SUFFIX.test(stored) ? stored.slice(0, -33) : stored;
}
