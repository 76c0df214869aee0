import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseFleet } from "../../src/fleet/load";
import { planFleet } from "../../src/plan/node-plan";
import { readStackFile } from "../../src/stack/stack-file";
import { bundledCatalog } from "../helpers";

const ROOT = join(__dirname, "../..");
const ROLE = join(ROOT, "ansible/roles/virtualmin");
const roleDefaults = parse(readFileSync(join(ROLE, "defaults/main.yml"), "utf8")) as Record<string, unknown>;

function planVars(): Record<string, unknown> {
  const { fleet } = parseFleet("fleet.yaml", "nodes:\n  dev-sha-het-de-fsn1-001: { size: cx23, image: debian-12 }\n");
  return planFleet(fleet!, bundledCatalog(), readStackFile(ROOT, "dev").stack!.settings)[0]!.ansibleVars;
}

/** The role's URL templates with the plan's tags filled in (the only Jinja they use). */
function url(template: unknown, vars: Record<string, unknown>): string {
  return String(template).replace(/\{\{ (\w+) \}\}/g, (_, name: string) => String(vars[name]));
}

describe("Virtualmin pins, from catalog/panels.yaml through the NodePlan", () => {
  it("hands the role the installer tag and both SHA-256 sums checked upstream", () => {
    expect(planVars()).toEqual(expect.objectContaining({
      virtualmin_installer_tag: "v8.1.3",
      virtualmin_installer_sha256: "ff7e2c90e99b95765639be982a6526a9c35168b037f3cde75ebfa8b1f26e489f",
      virtualmin_slib_tag: "v1.4.0",
      virtualmin_slib_sha256: "2377e344dfb2b4b685c69f601f3dd069795ae156cc78ea8e573fbe72c11b2888",
    }));
  });

  it("pins Virtualmin 8 packages, which the v8 installer's repository carries", () => {
    expect(planVars()).toEqual(expect.objectContaining({ virtualmin_version: "8.1.0", virtualmin_webmin_version: "2.660" }));
  });

  it("downloads both files from their tags, never from a branch", () => {
    const vars = planVars();
    expect(url(roleDefaults.virtualmin_installer_url, vars)).toBe("https://raw.githubusercontent.com/virtualmin/virtualmin-install/v8.1.3/virtualmin-install.sh");
    expect(url(roleDefaults.virtualmin_slib_url, vars)).toBe("https://raw.githubusercontent.com/virtualmin/slib/v1.4.0/slib.sh");
  });

  it("leaves no pin to the role's defaults, so the catalog is the one place that decides", () => {
    for (const key of ["virtualmin_version", "virtualmin_webmin_version", "virtualmin_installer_tag", "virtualmin_installer_sha256", "virtualmin_slib_tag", "virtualmin_slib_sha256"]) {
      expect(roleDefaults).not.toHaveProperty(key);
    }
  });

  it("runs the installer only with options it has (--type, not --minimal)", () => {
    const install = readFileSync(join(ROLE, "tasks/install.yml"), "utf8");
    expect(install).toContain("--type");
    expect(install).not.toContain("--minimal");
  });
});
