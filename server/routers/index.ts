import { createCallerFactory, router } from '../trpc';
import { authRouter } from './auth';
import { awardsRouter } from './awards';
import { bidsRouter } from './bids';
import { dashboardsRouter } from './dashboards';
import { deliveriesRouter } from './deliveries';
import { roundsRouter } from './rounds';
import { draftsRouter } from './drafts';
import { partnershipsRouter } from './partnerships';
import { ledgerRouter } from './ledger';
import { qualificationRouter } from './qualification';
import { configRouter } from './config';
import { nationalRouter } from './national';
import { ordersRouter } from './orders';
import { organisationsRouter } from './organisations';
import { placesRouter } from './places';
import { auditRouter } from './audit';
import { creditsRouter } from './credits';
import { settlementsRouter } from './settlements';
import { statementsRouter } from './statements';
import { ocdsRouter } from './ocds';
import { importsRouter } from './imports';
import { lieuxRouter } from './lieux';
import { passesRouter } from './passes';
import { prescribersRouter } from './prescribers';

export const appRouter = router({
  auth: authRouter,
  config: configRouter,
  organisations: organisationsRouter,
  places: placesRouter,
  orders: ordersRouter,
  national: nationalRouter,
  qualification: qualificationRouter,
  bids: bidsRouter,
  awards: awardsRouter,
  deliveries: deliveriesRouter,
  ledger: ledgerRouter,
  partnerships: partnershipsRouter,
  drafts: draftsRouter,
  rounds: roundsRouter,
  dashboards: dashboardsRouter,
  settlements: settlementsRouter,
  statements: statementsRouter,
  credits: creditsRouter,
  audit: auditRouter,
  ocds: ocdsRouter,
  imports: importsRouter,
  lieux: lieuxRouter,
  passes: passesRouter,
  prescribers: prescribersRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
