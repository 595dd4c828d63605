import { z } from 'zod';
import { todayIso } from '../../../shared/domain/orders';

/**
 * Options of `npm run seed:national`: `--name=value` on the command line, each also readable
 * from the environment (`NATIONAL_PLACES=200`…); the command line wins. The defaults build the
 * national scale of DESIGN §6.
 */
const Count = z.coerce.number().int().positive();

export const NationalOptions = z.object({
  /** SQLite file to build; deleted first, with its -wal and -shm companions. */
  out: z.string().min(1).default('data/national.db'),
  places: Count.max(20_000).default(3_000),
  /** Services delivered over the 365 days before `today`: one delivery row each. */
  services: Count.max(50_000_000).default(7_500_000),
  funders: Count.max(1_000).default(300),
  seed: z.coerce.number().int().min(0).max(2 ** 31 - 1).default(1),
  /** Everything is dated from this day: the same seed and day give the same data. */
  today: z.iso.date().default(() => todayIso()),
});
export type NationalOptions = z.infer<typeof NationalOptions>;

const NAMES = ['out', 'places', 'services', 'funders', 'seed', 'today'] as const;

/** Reads `--name=value` arguments, then `NATIONAL_NAME` variables, then the defaults. */
export function parseOptions(argv: readonly string[], env: Record<string, string | undefined> = process.env): NationalOptions {
  const raw: Record<string, string> = {};
  for (const name of NAMES) {
    const value = env[`NATIONAL_${name.toUpperCase()}`];
    if (value !== undefined && value !== '') raw[name] = value;
  }
  for (const arg of argv) {
    const match = /^--([a-z]+)=(.*)$/.exec(arg);
    if (!match || !(NAMES as readonly string[]).includes(match[1]!)) {
      throw new Error(`Option inconnue : ${arg} (attendu : ${NAMES.map((n) => `--${n}=…`).join(' ')})`);
    }
    const [, name, value] = match as unknown as [string, string, string];
    // Counts may be written 7_500_000, as in the code.
    raw[name] = name === 'out' || name === 'today' ? value : value.replace(/_/g, '');
  }
  const parsed = NationalOptions.safeParse(raw);
  if (!parsed.success) throw new Error(`Options invalides : ${JSON.stringify(z.flattenError(parsed.error).fieldErrors)}`);
  return parsed.data;
}
