// The Cloud Spanner emulator (preinstalled with google-cloud-cli) on loopback, gRPC only: the REST
// gateway (gateway_main) is not needed, our client speaks gRPC.
import { existsSync, mkdirSync } from "node:fs";
import { isAlive, startServer, tail, waitFor } from "../lib/processes";
import { freePort } from "../lib/ports";
import { tcpAnswers } from "./net";

const SPANNER_EMULATOR = "/usr/lib/google-cloud-sdk/bin/cloud_spanner_emulator/emulator_main";

export interface SpannerService {
  /** host:port, the form SPANNER_EMULATOR_HOST takes. */
  emulatorHost: string;
  port: number;
  pid: number;
  stop(graceMs?: number): Promise<void>;
}

export async function startSpanner(opts: {
  dir: string;
  ownerPid?: number;
}): Promise<SpannerService> {
  if (!existsSync(SPANNER_EMULATOR)) {
    throw new Error(`the Spanner emulator is not installed at ${SPANNER_EMULATOR}`);
  }
  mkdirSync(opts.dir, { recursive: true });
  const port = await freePort();
  const server = startServer({
    name: `spanner-emulator-${port}`,
    command: SPANNER_EMULATOR,
    args: ["--host_port", `127.0.0.1:${port}`],
    logDir: opts.dir,
    ownerPid: opts.ownerPid,
  });
  await waitFor(
    `the Spanner emulator on port ${port}`,
    async () => {
      if (!isAlive(server.pid)) throw new Error(`emulator exited:\n${tail(server.logFile)}`);
      return (await tcpAnswers(port)) ? true : undefined;
    },
    30_000,
    100,
  );
  return {
    emulatorHost: `127.0.0.1:${port}`,
    port,
    pid: server.pid,
    stop: (graceMs?: number) => server.stop(graceMs),
  };
}
