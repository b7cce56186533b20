// Candidate identity: pod name (or hostname) plus a random per-process suffix, so a restarted pod
// with the same name is never mistaken for its previous incarnation.
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";

export function candidateIdentity(base?: string): string {
  const name = base || process.env.POD_NAME || process.env.HOSTNAME || hostname() || "candidate";
  return `${name}-${randomBytes(4).toString("hex")}`;
}
