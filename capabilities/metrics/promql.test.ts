import { describe, expect, it } from "vitest";
import { metricNames } from "./promql";

describe("metricNames", () => {
  it("finds the metrics and skips functions, labels, ranges, keywords and variables", () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (le, kind) (rate(a_bucket{kind=~"$k", x="or b"}[$__rate_interval]))) > 1e3 and on (tenant) b_total offset 5m',
      ),
    ).toEqual(["a_bucket", "b_total"]);
  });

  it("reads absent(), or and comparisons", () => {
    expect(
      metricNames('sum by (tenant) (x) < 1 or max by (tenant) (up{job="h"}) == 0 or absent(y)'),
    ).toEqual(["up", "x", "y"]);
  });
});
