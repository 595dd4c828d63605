/** Placeholder until the page lands (issue 11). */
export function BookletPrintPage() {
  return null;
}
