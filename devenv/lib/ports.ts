// Ports for the servers the suites start on loopback.
//
// A port that bind(0) found free is the kernel's pick from its ephemeral range, the same range it
// draws from for every outgoing connection: between our check and the server's listen, a client
// socket of kube-apiserver, etcd or an operator may take it (seen in a chaos smoke run: a replica's
// EADDRINUSE). So ports come from below that range, at random, checked by a listen on every address
// (what the servers do), and never handed out twice by this process.
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

const LOWEST = 10_000;
const handedOut = new Set<number>();

/** The first port of the kernel's ephemeral range (Linux default 32768). */
export function ephemeralLow(): number {
  try {
    const low = Number(
      readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").split(/\s+/)[0],
    );
    return Number.isInteger(low) && low > 0 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

/** The ports to draw from: [LOWEST, ephemeral low), or undefined when that leaves too few. */
export function portRange(low: number): { from: number; to: number } | undefined {
  return low - LOWEST >= 1000 ? { from: LOWEST, to: low } : undefined;
}

function listenOn(port: number): Promise<number | undefined> {
  return new Promise(resolve => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolve(undefined));
    server.listen(port, () => {
      const address = server.address();
      const bound = typeof address === "object" && address ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

/** The range to draw from, read once per process (an admin rarely changes it). */
let drawFrom: { range: ReturnType<typeof portRange> } | undefined;

/** A port nobody listens on now, outside the ephemeral range where the machine allows. */
export async function freePort(): Promise<number> {
  drawFrom ??= { range: portRange(ephemeralLow()) };
  const { range } = drawFrom;
  for (let attempt = 0; attempt < 100; attempt++) {
    const candidate = range ? range.from + Math.floor(Math.random() * (range.to - range.from)) : 0;
    if (handedOut.has(candidate)) continue;
    const port = await listenOn(candidate);
    if (port !== undefined && !handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error("no free port found in 100 attempts");
}
