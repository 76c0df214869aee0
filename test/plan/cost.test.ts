import { describe, expect, it } from "vitest";
import { costToDateEur, sumEur } from "../../src/plan/cost";

describe("cost", () => {
  it("sums euro amounts without float drift", () => {
    expect(sumEur(Array.from({ length: 1000 }, () => 10.49))).toBe(10490);
    expect(sumEur([0.1, 0.2])).toBe(0.3);
  });
});

describe("costToDateEur", () => {
  const hourly = 0.0119;
  const monthly = 7.49;
  it("charges every hour begun at the hourly price", () => {
    expect(costToDateEur(new Date("2026-11-03T10:00:00Z"), new Date("2026-11-03T12:30:00Z"), hourly, monthly)).toBe(0.04);
  });

  it("caps each calendar month at the monthly price", () => {
    expect(costToDateEur(new Date("2026-11-01T00:00:00Z"), new Date("2026-12-01T00:00:00Z"), hourly, monthly)).toBe(7.49);
  });

  it("adds the months a server lived through, each capped", () => {
    // October from the 20th: 12 days × 24 h × 0.0119 = 3.43; November whole: 7.49; December's first 10 hours: 0.12.
    expect(costToDateEur(new Date("2026-10-20T00:00:00Z"), new Date("2026-12-01T10:00:00Z"), hourly, monthly)).toBe(11.04);
  });

  it("is zero before the server exists", () => {
    expect(costToDateEur(new Date("2026-12-02T00:00:00Z"), new Date("2026-12-01T00:00:00Z"), hourly, monthly)).toBe(0);
  });
});
