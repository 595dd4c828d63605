import type { AppDeps } from '../context';
import { dashboardContext } from '../realtime/dashboards';
import { publishClosed } from '../realtime/publish';
import { closeExpiredOrders } from '../services/credits';

const HOUR = 60 * 60 * 1000;

/**
 * Closes every order past its grace period (issue 7): once now, then every hour. Each close is
 * its own transaction; one failing is logged and the others go on.
 */
export function runOrderClosing(deps: AppDeps, today?: string): number {
  try {
    const closed = closeExpiredOrders(deps.db, today);
    for (const result of closed) publishClosed(dashboardContext(deps), result);
    if (closed.length) console.log(`Closed ${closed.length} order(s) past their grace period`);
    for (const failure of closed.failed ?? []) console.error(`Closing order ${failure.orderId} failed:`, failure.error);
    return closed.length;
  } catch (error) {
    console.error('Closing expired orders failed:', error);
    return 0;
  }
}

export function scheduleOrderClosing(deps: AppDeps): () => void {
  runOrderClosing(deps);
  const timer = setInterval(() => runOrderClosing(deps), HOUR);
  timer.unref();
  return () => clearInterval(timer);
}
