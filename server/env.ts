import { z } from 'zod';
import { resolveRatio, type RatioConfig } from '../shared/ratio';

const Bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const OptionalEuros = z.coerce.number().int().positive().optional();

/** Every setting has a default that makes `npm start` work with no configuration. */
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_PATH: z.string().min(1).default('./data/aptic.db'),
  /** Seed the demo when the database is empty. */
  SEED_DEMO: Bool.default(true),
  SESSION_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(14),
  /** Extra origins allowed to send mutations (comma-separated), besides the request's own host. */
  ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    ),
  /** Behind a reverse proxy: read the client IP from X-Forwarded-For and HTTPS from X-Forwarded-Proto. */
  TRUST_PROXY: Bool.default(false),
  SIGNIN_MAX_PER_IP: z.coerce.number().int().positive().default(30),
  SIGNIN_MAX_FAILURES_PER_EMAIL: z.coerce.number().int().positive().default(5),
  SIGNIN_WINDOW_MINUTES: z.coerce.number().int().positive().default(15),
  /** Per user: calls a minute to costly procedures (batches of deliveries, CSV exports, settlement runs…). */
  COSTLY_MAX_PER_MINUTE: z.coerce.number().int().positive().default(60),
  /** Per user and per hour: wrong pass codes before redemption is refused for a while (decision 0020). */
  PASS_WRONG_CODES_PER_HOUR: z.coerce.number().int().positive().default(20),
  /** Months after an order's delivery window during which deliveries may still be recorded. */
  DELIVERY_GRACE_MONTHS: z.coerce.number().int().min(0).max(12).default(1),
  RATIO_FLOOR_EUROS: OptionalEuros,
  RATIO_CEILING_EUROS: OptionalEuros,
  RATIO_UNIT_VALUE_EUROS: OptionalEuros,
});

export type Env = z.infer<typeof EnvSchema> & { ratio: RatioConfig };

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const fields = z.flattenError(parsed.error).fieldErrors;
    throw new Error(`Invalid configuration: ${JSON.stringify(fields)}`);
  }
  const env = parsed.data;
  const overrides: Partial<RatioConfig> = {};
  if (env.RATIO_FLOOR_EUROS) overrides.floorCents = env.RATIO_FLOOR_EUROS * 100;
  if (env.RATIO_CEILING_EUROS) overrides.ceilingCents = env.RATIO_CEILING_EUROS * 100;
  if (env.RATIO_UNIT_VALUE_EUROS) overrides.unitValueCents = env.RATIO_UNIT_VALUE_EUROS * 100;
  return { ...env, ratio: resolveRatio(overrides) };
}
