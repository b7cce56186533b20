// The fault-injection proxy against real sockets on loopback: an echo server behind it, a client in
// front. Checks order and completeness of held bytes, and that a partition really cuts.
import { connect, createServer, type Server, type Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy";

let echo: Server;
let echoPort: number;
let proxy: TcpProxy;
const sockets: Socket[] = [];

beforeEach(async () => {
  echo = createServer(socket => socket.pipe(socket));
  await new Promise<void>(resolve => echo.listen(0, "127.0.0.1", () => resolve()));
  const address = echo.address();
  echoPort = typeof address === "object" && address ? address.port : 0;
  proxy = await startTcpProxy({ target: { host: "127.0.0.1", port: echoPort } });
});

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await proxy.stop();
  await new Promise<void>(resolve => echo.close(() => resolve()));
});

function client(): Promise<{ socket: Socket; received: () => string }> {
  return new Promise((resolve, reject) => {
    let data = "";
    const socket = connect({ host: "127.0.0.1", port: proxy.port });
    sockets.push(socket);
    socket.on("data", (chunk: Buffer) => (data += chunk.toString()));
    socket.once("error", reject);
    socket.once("connect", () => resolve({ socket, received: () => data }));
  });
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await sleep(10);
  }
}

describe("startTcpProxy", () => {
  it("passes bytes through both ways", async () => {
    const c = await client();
    c.socket.write("hello");
    await until(() => c.received() === "hello");
  });

  it("freeze holds every byte in order; release delivers them, then passes through", async () => {
    const c = await client();
    c.socket.write("a");
    await until(() => c.received() === "a");
    proxy.freeze();
    expect(proxy.state()).toBe("frozen");
    for (let i = 0; i < 50; i++) c.socket.write(`<${i}>`);
    await sleep(200);
    expect(c.received()).toBe("a");
    proxy.release();
    const expected = "a" + Array.from({ length: 50 }, (_, i) => `<${i}>`).join("");
    await until(() => c.received() === expected);
    c.socket.write("z");
    await until(() => c.received() === expected + "z");
  });

  it("holds the server's answers too (the downstream direction)", async () => {
    const c = await client();
    c.socket.write("x");
    await until(() => c.received() === "x");
    proxy.freeze();
    // A connection opened while frozen is accepted, but nothing reaches the server until release.
    const late = await client();
    late.socket.write("late");
    await sleep(150);
    expect(late.received()).toBe("");
    proxy.release();
    await until(() => late.received() === "late");
  });

  it("partition destroys open connections and stalls new ones until heal", async () => {
    const c = await client();
    const closed = new Promise<void>(resolve => c.socket.once("close", () => resolve()));
    c.socket.on("error", () => undefined);
    proxy.partition();
    await closed;
    const stalled = await client();
    stalled.socket.on("error", () => undefined);
    stalled.socket.write("lost");
    await sleep(150);
    expect(stalled.received()).toBe("");
    proxy.heal();
    expect(proxy.state()).toBe("open");
    const after = await client();
    after.socket.write("back");
    await until(() => after.received() === "back");
    expect(stalled.received()).toBe("");
  });

  it("stop closes the listener", async () => {
    const port = proxy.port;
    await proxy.stop();
    await expect(
      new Promise((resolve, reject) => {
        const s = connect({ host: "127.0.0.1", port });
        s.once("connect", () => {
          s.destroy();
          resolve(true);
        });
        s.once("error", reject);
      }),
    ).rejects.toThrow();
    // afterEach stops whatever proxy is current: give it a fresh one.
    proxy = await startTcpProxy({ target: { host: "127.0.0.1", port: echoPort } });
  });
});
