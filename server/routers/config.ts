import { DEMO_LOGINS } from '../../db/seed/demo-logins';
import { SERVICES } from '../../shared/domain/services';
import { publicProcedure, router } from '../trpc';

/** The ratio in force and the services vocabulary: the rules are public (DESIGN §3). */
export const configRouter = router({
  get: publicProcedure.query(({ ctx }) => ({
    ratio: ctx.config.ratio,
    services: SERVICES,
    demoLogins: ctx.config.SEED_DEMO ? DEMO_LOGINS.map(({ role, email }) => ({ role, email })) : [],
  })),
});
