import { describe, expect, it } from "vitest";
import { sumEur } from "../../src/plan/cost";

describe("cost", () => {
  it("sums euro amounts without float drift", () => {
    expect(sumEur(Array.from({ length: 1000 }, () => 10.49))).toBe(10490);
    expect(sumEur([0.1, 0.2])).toBe(0.3);
  });
});
