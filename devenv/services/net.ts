// Tiny loopback probe: connect, optionally send a line, and check what comes back.
import { connect } from "node:net";

/** Resolves true when 127.0.0.1:`port` accepts a connection (and answers `expect`, if given). */
export function tcpAnswers(port: number, send?: string, expect?: string): Promise<boolean> {
  return new Promise(resolve => {
    const socket = connect({ host: "127.0.0.1", port });
    let received = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on("error", () => done(false));
    socket.on("connect", () => {
      if (!expect) return done(true);
      if (send) socket.write(send);
    });
    socket.on("data", chunk => {
      received += chunk.toString();
      if (expect && received.includes(expect)) done(true);
    });
  });
}
