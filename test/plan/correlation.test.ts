import { describe, expect, it } from "vitest";
import { correlationId } from "../../src/plan/correlation";

describe("correlationId", () => {
  it("is a UUID", () => {
    expect(correlationId("prd-sha-het-de-fsn1-001", 0)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("is the same for every retry of one generation", () => {
    expect(correlationId("prd-sha-het-de-fsn1-001", 2)).toBe(correlationId("prd-sha-het-de-fsn1-001", 2));
  });

  it("changes with the rebuild generation and the node", () => {
    const id = correlationId("prd-sha-het-de-fsn1-001", 0);
    expect(correlationId("prd-sha-het-de-fsn1-001", 1)).not.toBe(id);
    expect(correlationId("prd-sha-het-de-fsn1-002", 0)).not.toBe(id);
  });
});
