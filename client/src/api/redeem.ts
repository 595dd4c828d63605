import type { CheckPassInput, RedeemPassInput } from '../../../shared/schemas/passes';
import { trpc } from './client';

/** A pass at the place's counter (issue 11): what a code pays for, then its redemption with the delivery. */

export const checkPass = (input: CheckPassInput) => trpc.passes.check.mutate(input);
export const redeemPass = (input: RedeemPassInput) => trpc.passes.redeem.mutate(input);

export type PassCheck = Awaited<ReturnType<typeof checkPass>>;
export type PassRedemption = Awaited<ReturnType<typeof redeemPass>>;
