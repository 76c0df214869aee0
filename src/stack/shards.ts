import { z } from "zod";

/** A node-number range of a shard layout, both ends included. */
const NumberRange = z.strictObject({ from: z.number().int().min(1).max(999), to: z.number().int().min(1).max(999) });

/** How an environment is split into shards (stack setting `node-fleet:shards` of the
 *  environment's stack, e.g. Pulumi.prd.yaml). Shard `k` of region `r` is the stack
 *  `<env>-<r>-<letter k>` (`prd-fsn1-a`); without `byRegion` it is `<env>-<letter k>`.
 *  The ranges must cover 001–999 without gaps or overlaps, so every hostname belongs to
 *  exactly one shard. `active` lists the shards already running as stacks of their own:
 *  the nodes of the others stay in the environment's stack until they are moved
 *  (docs/sharding.md), so a layout can be introduced without moving anything. */
export const ShardLayoutSchema = z.strictObject({
  byRegion: z.boolean().default(false),
  numbers: z.array(NumberRange).min(1).max(26).default([{ from: 1, to: 999 }]),
  active: z.array(z.string()).default([]),
}).superRefine((layout, ctx) => {
  let next = 1;
  for (const [index, range] of [...layout.numbers].entries()) {
    if (range.from !== next || range.to < range.from) {
      ctx.addIssue({ code: "custom", path: ["numbers", index],
        message: `range ${range.from}–${range.to} must start at ${next} and not end before it starts: ranges cover 1–999 in order, without gaps or overlaps` });
      return;
    }
    next = range.to + 1;
  }
  if (next !== 1000) ctx.addIssue({ code: "custom", path: ["numbers"], message: `ranges end at ${next - 1}; the last must end at 999` });
});
export type ShardLayout = z.output<typeof ShardLayoutSchema>;
