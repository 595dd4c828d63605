import { createCallerFactory, router } from '../trpc';
import { authRouter } from './auth';
import { configRouter } from './config';
import { nationalRouter } from './national';
import { ordersRouter } from './orders';
import { organisationsRouter } from './organisations';
import { placesRouter } from './places';

export const appRouter = router({
  auth: authRouter,
  config: configRouter,
  organisations: organisationsRouter,
  places: placesRouter,
  orders: ordersRouter,
  national: nationalRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
