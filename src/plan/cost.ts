/** Sums euro amounts in whole cents, so a thousand nodes do not drift by float error. */
export function sumEur(amounts: Iterable<number>): number {
  let cents = 0;
  for (const amount of amounts) cents += Math.round(amount * 100);
  return cents / 100;
}

/** What a server has cost from its creation until `now`: every hour begun at the hourly
 *  price, capped at the monthly price within each calendar month (UTC), which is how
 *  Hetzner Cloud bills servers. Zero before creation. */
export function costToDateEur(createdAt: Date, now: Date, hourlyEur: number, monthlyEur: number): number {
  const amounts: number[] = [];
  let start = createdAt.getTime();
  const end = now.getTime();
  while (start < end) {
    const from = new Date(start);
    const monthEnd = Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1);
    const until = Math.min(monthEnd, end);
    const hours = Math.ceil((until - start) / 3_600_000);
    amounts.push(Math.min(hours * hourlyEur, monthlyEur));
    start = until;
  }
  return sumEur(amounts);
}
