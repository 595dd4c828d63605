import { PlacesExportInput } from '../../shared/schemas/places';
import { ImportPlacesInput } from '../../shared/schemas/qualification';
import { importStandardFile, standardFile } from '../services/lieux-standard';
import { costly, operatorProcedure, organisationProcedure, publicProcedure, router } from '../trpc';

/**
 * Places in the national « lieux de médiation numérique » standard (decision 0014). The export
 * is open data: qualified places, their capacity and qualification, never money; the operator's
 * copy adds each place's revenue this year and names the places the standard could not express.
 */
export const lieuxRouter = router({
  /** Every qualified place in the standard's JSON, for anyone. */
  exportJson: publicProcedure.use(costly).query(({ ctx }) => {
    const { filename, content } = standardFile(ctx.db, 'json');
    return { filename, content };
  }),

  /** The same in the standard's CSV (commas, UTF-8, `|` between values). */
  exportCsv: publicProcedure.use(costly).query(({ ctx }) => {
    const { filename, content } = standardFile(ctx.db, 'csv');
    return { filename, content };
  }),

  /** The operator's copy: this year's revenue per place, and the places the standard refused. */
  operatorExport: operatorProcedure
    .use(costly)
    .input(PlacesExportInput)
    .query(({ ctx, input }) => standardFile(ctx.db, input.format, { withRevenue: true })),

  /** A file of places becomes applications, all or nothing, with the report of every row. */
  importFile: organisationProcedure()
    .use(costly)
    .input(ImportPlacesInput)
    .mutation(({ ctx, input }) => {
      const report = importStandardFile(ctx.db, ctx.user, input);
      for (const { placeId } of report.created) ctx.bus.publish('national', 'qualification.queue', { placeId, status: 'applied' });
      return report;
    }),
});
