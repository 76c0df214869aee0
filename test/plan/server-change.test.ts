import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseFleet } from "../../src/fleet/load";
import { describeServerChange, plansAsDeployed, serverChanges } from "../../src/plan/server-change";
import { readStackFile } from "../../src/stack/stack-file";
import { bundledCatalog } from "../helpers";

const settings = readStackFile(join(__dirname, "../.."), "stg").stack!.settings;
const plans = (text: string) => plansAsDeployed(parseFleet("fleet.yaml", text).fleet!, bundledCatalog(), settings);
const node = (body: string) => `nodes:\n  stg-sha-het-de-fsn1-001: { size: cpx22, ${body} }\n`;

describe("server changes between two fleets", () => {
  it("shows a node's own image change as a rebuild that erases the disk", () => {
    const [change] = serverChanges(plans(node("image: ubuntu-22.04")), plans(node("image: ubuntu-24.04")));
    expect(describeServerChange(change!)).toBe(
      "stg-sha-het-de-fsn1-001: REBUILD (image ubuntu-22.04 → ubuntu-24.04): the server is replaced and its disk is erased");
  });

  it("shows a rebuild bump the same way", () => {
    expect(serverChanges(plans(node("image: debian-12")), plans(node("image: debian-12, rebuild: 1")))).toEqual([
      { hostname: "stg-sha-het-de-fsn1-001", kind: "rebuild", reasons: ["rebuild 0 → 1"] },
    ]);
  });

  it("shows a size change as an in-place resize", () => {
    expect(serverChanges(plans(node("image: debian-12")), plans(node("image: debian-12").replace("cpx22", "cpx32")))).toEqual([
      { hostname: "stg-sha-het-de-fsn1-001", kind: "resize", from: "cpx22", to: "cpx32" },
    ]);
  });

  it("finds no change when a base that set the image in defaults moves it onto the node", () => {
    const base = "defaults: { image: debian-12 }\nnodes:\n  stg-sha-het-de-fsn1-001: { size: cpx22 }\n";
    expect(serverChanges(plans(base), plans(node("image: debian-12")))).toEqual([]);
  });
});
