/** Placeholder until the page lands (issue 11). */
export function RedeemPassPage() {
  return null;
}

/** Placeholder: `/pass#CODE`, the link a booklet's QR code holds. */
export function PassLinkPage() {
  return null;
}
