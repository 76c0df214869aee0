import { describe, expect, it } from "vitest";
import { parseYamlSource } from "../../src/source/yaml-source";
import { coerceConfigScalar, parseConfigKey, resolvePlainScalar } from "../../src/stack/pulumi-config";
import { stackYamlConfig } from "../../src/stack/stack-yaml";

/** The engine's view of a stack file's `config:` (text per key, secret or not). */
function engineView(yaml: string): Record<string, { text: string; secret: boolean }> {
  return Object.fromEntries(stackYamlConfig(parseYamlSource("Pulumi.stg.yaml", `config:\n${yaml}`).source).values);
}

describe("config keys: pulumi sdk/go/common/resource/config/key.go ParseKey", () => {
  it.each([
    ["node-fleet:dnsZone", "node-fleet:dnsZone"],
    ["node-fleet:config:dnsZone", "node-fleet:dnsZone"],
    ["dnsZone", undefined],
    ["a:b:c", undefined],
  ])("%s → %s", (key, expected) => expect(parseConfigKey(key)).toBe(expected));
});

describe("coercion: pulumi config/object.go coerce (what --path stores)", () => {
  it.each([
    ["true", true], ["false", false], ["14", 14], ["-3", -3],
    ["0123", "0123"], ["1.5", "1.5"], ["yes", "yes"], ["True", "True"],
  ])("%s → %s", (text, expected) => expect(coerceConfigScalar(text)).toBe(expected));
});

describe("plain scalars: gopkg.in/yaml.v3 resolve.go resolve", () => {
  it.each([
    ["yes", "yes"], ["on", "on"], ["True", true], ["FALSE", false], ["~", null], ["", null],
    ["0x10", 16], ["0o17", 15], ["0777", 511], ["08", 8], ["1_000", 1000], ["1.5e3", 1500], ["-.inf", -Infinity],
    ["2026-01-02", "2026-01-02 00:00:00 +0000 UTC"], ["1.2.3", "1.2.3"], ["10.0.0.0/8", "10.0.0.0/8"],
  ])("%s → %s", (text, expected) => expect(resolvePlainScalar(text)).toEqual(expected));
});

describe("text handed to the program: config/object.go MarshalString, config/map.go Map.Decrypt", () => {
  it("hands a quoted and an unquoted boolean over as the same text", () => {
    expect(engineView('  node-fleet:a: "true"\n  node-fleet:b: true\n')).toEqual({
      "node-fleet:a": { text: "true", secret: false }, "node-fleet:b": { text: "true", secret: false },
    });
  });

  it("hands a number over as its decimal text", () => {
    expect(engineView("  node-fleet:n: 0x10\n")["node-fleet:n"]?.text).toBe("16");
  });

  it("hands maps and lists over as JSON text", () => {
    const view = engineView("  node-fleet:backups:\n    retentionDays: 14\n  node-fleet:list: [a, 1, true]\n");
    expect(JSON.parse(view["node-fleet:backups"]!.text)).toEqual({ retentionDays: 14 });
    expect(view["node-fleet:list"]?.text).toBe('["a",1,true]');
  });

  it("marks a {secure: …} value, and a map holding one, as secret without reading it", () => {
    expect(engineView("  hcloud:token:\n    secure: v1:AAAA\n  node-fleet:m:\n    inner:\n      secure: v1:BBBB\n")).toEqual({
      "hcloud:token": { text: "", secret: true }, "node-fleet:m": { text: "", secret: true },
    });
  });

  it("hands an empty value over as null, as json.Marshal(nil) does", () => {
    expect(engineView("  node-fleet:x:\n")["node-fleet:x"]?.text).toBe("null");
  });
});

describe("values Pulumi cannot store", () => {
  it("refuses .nan, which Go's json.Marshal cannot write, at its key", () => {
    const { issues } = stackYamlConfig(parseYamlSource("Pulumi.stg.yaml", "config:\n  node-fleet:x: .nan\n").source);
    expect(issues).toEqual([expect.objectContaining({ line: 2, col: 3, message: "node-fleet:x: NaN cannot be stored as config (JSON has no NaN)" })]);
  });
});
