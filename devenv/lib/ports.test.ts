import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { ephemeralLow, freePort, portRange } from "./ports";

describe("portRange", () => {
  it("draws below the kernel's ephemeral range", () => {
    expect(portRange(32_768)).toEqual({ from: 10_000, to: 32_768 });
  });
  it("falls back to the kernel's pick when too few ports lie below it", () => {
    expect(portRange(10_500)).toBeUndefined();
  });
});

describe("freePort", () => {
  it("hands out distinct ports that a server can listen on", async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    expect(new Set(ports).size).toBe(20);
    for (const port of ports.slice(0, 3)) {
      const server = createServer();
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, resolve);
      });
      await new Promise(resolve => server.close(resolve));
    }
    const low = ephemeralLow();
    if (portRange(low)) expect(ports.every(p => p >= 10_000 && p < low)).toBe(true);
  });
});
