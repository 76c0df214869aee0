import { describe, expect, it } from "vitest";
import { fleetCost, sumEur } from "../../src/plan/cost";

describe("cost", () => {
  it("sums euro amounts without float drift", () => {
    expect(sumEur(Array.from({ length: 1000 }, () => 10.49))).toBe(10490);
    expect(sumEur([0.1, 0.2])).toBe(0.3);
  });

  it("totals a fleet per environment", () => {
    expect(fleetCost([
      { environment: "prd", monthlyCostEur: 10.49 }, { environment: "prd", monthlyCostEur: 5.99 }, { environment: "dev", monthlyCostEur: 2.99 },
    ])).toEqual({ totalMonthlyEur: 19.47, byEnvironment: { prd: 16.48, dev: 2.99 } });
  });
});
