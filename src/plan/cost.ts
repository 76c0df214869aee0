/** Sums euro amounts in whole cents, so a thousand nodes do not drift by float error. */
export function sumEur(amounts: Iterable<number>): number {
  let cents = 0;
  for (const amount of amounts) cents += Math.round(amount * 100);
  return cents / 100;
}

/** What a fleet costs per month, in total and per environment. */
export function fleetCost(nodes: readonly { environment: string; monthlyCostEur: number }[]): {
  totalMonthlyEur: number;
  byEnvironment: Record<string, number>;
} {
  const byEnvironment: Record<string, number> = {};
  for (const env of new Set(nodes.map((n) => n.environment))) {
    byEnvironment[env] = sumEur(nodes.filter((n) => n.environment === env).map((n) => n.monthlyCostEur));
  }
  return { totalMonthlyEur: sumEur(nodes.map((n) => n.monthlyCostEur)), byEnvironment };
}
