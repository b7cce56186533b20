import { describe, expect, it } from "vitest";
import { redisOptions } from "./redis";

describe("redisOptions", () => {
  it("supports the predecessor's addr/password/db and TLS", () => {
    const { url, options } = redisOptions({
      type: "redis",
      addr: "redis:6380",
      password: "s3cret",
      db: 2,
      tls: true,
    });
    expect(url).toBeUndefined();
    expect(options).toMatchObject({
      host: "redis",
      port: 6380,
      password: "s3cret",
      db: 2,
      tls: {},
    });
  });

  it("passes URLs through (rediss:// implies TLS in ioredis) and fails fast when offline", () => {
    const { url, options } = redisOptions({ type: "redis", url: "rediss://h:1/0" });
    expect(url).toBe("rediss://h:1/0");
    expect(options.enableOfflineQueue).toBe(false);
  });

  it("takes redis.addr as a URL when it is one, and host:port or [ipv6]:port otherwise", () => {
    expect(redisOptions({ type: "redis", addr: "redis://127.0.0.1:6390" }).url).toBe(
      "redis://127.0.0.1:6390",
    );
    expect(redisOptions({ type: "redis", addr: "[::1]:6391" }).options).toMatchObject({
      host: "::1",
      port: 6391,
    });
    expect(redisOptions({ type: "redis", addr: "cache" }).options).toMatchObject({
      host: "cache",
      port: 6379,
    });
  });
});
