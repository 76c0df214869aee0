/** Sums euro amounts in whole cents, so a thousand nodes do not drift by float error. */
export function sumEur(amounts: Iterable<number>): number {
  let cents = 0;
  for (const amount of amounts) cents += Math.round(amount * 100);
  return cents / 100;
}
