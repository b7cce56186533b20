import { describe, expect, it } from "vitest";
import { printable } from "./printable";
import { formatTable } from "./table";

describe("printable", () => {
  it("escapes terminal control sequences and keeps ordinary text", () => {
    expect(printable("ok \u001b]0;pwned\u0007 \u001b[2J\u009b31m")).toBe(
      "ok \\x1b]0;pwned\\x07 \\x1b[2J\\x9b31m",
    );
    expect(printable("line\nbreak\ttab\r\u007f")).toBe("line\\x0abreak\\x09tab\\x0d\\x7f");
    expect(printable("ünïcode · ok ✓")).toBe("ünïcode · ok ✓");
  });

  it("is applied to every table cell, so columns stay aligned", () => {
    const out = formatTable(["A", "B"], [["\u001b[31mred", "x\ny"]]);
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(out).toBe("A             B\n\\x1b[31mred   x\\x0ay\n");
  });
});
