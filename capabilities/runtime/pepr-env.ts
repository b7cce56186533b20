// What pepr.ts asks of the environment before anything starts: whether `pepr build` is loading the
// module (then nothing may start), and which port Pepr's own HTTPS server takes.

export function isBuildMode(): boolean {
  return process.env.PEPR_MODE === "build";
}

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0 || value > 65535) {
    throw new Error(`${name} must be a TCP port number (1-65535), got "${raw}"`);
  }
  return value;
}

/** Pepr's own HTTPS port (its health and metrics); 3000 as Pepr's manifests expect. */
export function peprPort(): number {
  return portFromEnv("HIGHLANDER_PEPR_PORT", 3000);
}
