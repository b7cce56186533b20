// What `npm start -- <flags>` hands the operator process: every flag unchanged (the operator parses
// them like a deployed one does), and the HTTP port on loopback only unless the caller picked an
// address (flag or environment): a laptop's operator should not answer its whole network.
export const LOCAL_BIND_ADDRESS = "127.0.0.1";

export interface StartOptions {
  args: string[];
  env: Record<string, string>;
}

export function startOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): StartOptions {
  const args = [...argv];
  const chosen =
    env.HIGHLANDER_BIND_ADDRESS !== undefined ||
    args.some(a => a === "--bind-address" || a.startsWith("--bind-address="));
  return { args, env: chosen ? {} : { HIGHLANDER_BIND_ADDRESS: LOCAL_BIND_ADDRESS } };
}
