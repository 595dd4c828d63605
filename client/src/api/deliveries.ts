import type { RecordDeliveryInput } from '../../../shared/schemas/deliveries';
import { trpc } from './client';

export const recordDelivery = (input: RecordDeliveryInput) => trpc.deliveries.record.mutate(input);
