/** `€12.49` */
export function eur(amount: number): string {
  return `€${amount.toFixed(2)}`;
}
