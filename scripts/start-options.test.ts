import { describe, expect, it } from "vitest";
import { LOCAL_BIND_ADDRESS, startOptions } from "./start-options";

describe("npm start options", () => {
  it("passes every flag through to the operator, in order", () => {
    const argv = ["--observer", "--tenant", "payments", "--log-level=debug"];
    expect(startOptions(argv, {}).args).toEqual(argv);
  });

  it("binds to 127.0.0.1 unless the caller chose an address", () => {
    expect(startOptions([], {}).env).toEqual({ HIGHLANDER_BIND_ADDRESS: LOCAL_BIND_ADDRESS });
    expect(startOptions(["--bind-address", "0.0.0.0"], {}).env).toEqual({});
    expect(startOptions(["--bind-address=::"], {}).env).toEqual({});
    expect(startOptions([], { HIGHLANDER_BIND_ADDRESS: "" }).env).toEqual({});
  });
});
