import { z } from 'zod';
import { Id } from '../../shared/schemas/common';
import { ocdsReleasePackage } from '../services/ocds';
import { costly, publicProcedure, router } from '../trpc';

const ReleasePackageInput = z.object({ orderId: Id.optional() }).strict().optional();

/** Open data (issue 9, decision 0015): the contracting processes in the Open Contracting Data Standard. */
export const ocdsRouter = router({
  /**
   * An OCDS 1.1 release package: one release per published order (tender, awards, contracts,
   * delivered money per month), or only the order named. Sealed bids never appear: only what
   * was awarded from them, once awarding is over. A draft answers like an unknown order.
   */
  releasePackage: publicProcedure
    .use(costly)
    .input(ReleasePackageInput)
    .query(({ ctx, input }) => {
      const orderId = input?.orderId;
      // The address this very package is fetched from again (OCDS 1.1 requires the package's uri).
      const query = orderId === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify({ orderId }))}`;
      return ocdsReleasePackage(ctx.db, { orderIds: orderId === undefined ? undefined : [orderId], uri: `${ctx.origin}/trpc/ocds.releasePackage${query}` });
    }),
});
