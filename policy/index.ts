// node-fleet's policy pack: `pulumi preview --policy-pack policy` (and `pulumi up`).
// The rules are the ones `fleet plan` and `fleet diff` run offline (src/review/policy),
// so a pull request sees the same violations with or without the Pulumi CLI.
import { PolicyPack, type ResourceValidationPolicy } from "@pulumi/policy";
import { loadCatalog } from "../src/catalog/load";
import { POLICY_RULES, type PolicyRule } from "../src/review/policy";

const catalog = loadCatalog();

function asPolicy(rule: PolicyRule): ResourceValidationPolicy {
  return {
    name: rule.name,
    description: rule.description,
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
      const resource = { type: args.type, name: args.name, inputs: args.props, protect: args.opts.protect };
      for (const message of rule.check(resource, { catalog })) reportViolation(message);
    },
  };
}

export const pack = new PolicyPack("node-fleet", { policies: POLICY_RULES.map(asPolicy) });
