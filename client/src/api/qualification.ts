import type { QualificationStatus } from '../../../shared/domain/enums';
import type { ApplyPlaceInput, QualificationDecisionInput } from '../../../shared/schemas/qualification';
import { trpc } from './client';

export const submitApplication = (input: ApplyPlaceInput) => trpc.qualification.submitApplication.mutate(input);
export const fetchQueue = (status: QualificationStatus) => trpc.qualification.queue.query({ status });
export const decide = (input: QualificationDecisionInput) => trpc.qualification.decide.mutate(input);

export type QueueEntry = Awaited<ReturnType<typeof fetchQueue>>[number];
