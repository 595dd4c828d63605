import type { QualificationStatus } from '../../../shared/domain/enums';
import type { ApplyPlaceInput, ImportPlacesInput, QualificationDecisionInput } from '../../../shared/schemas/qualification';
import { trpc } from './client';

export const submitApplication = (input: ApplyPlaceInput) => trpc.qualification.submitApplication.mutate(input);
export const fetchQueue = (status: QualificationStatus) => trpc.qualification.queue.query({ status });
export const decide = (input: QualificationDecisionInput) => trpc.qualification.decide.mutate(input);

export type QueueEntry = Awaited<ReturnType<typeof fetchQueue>>[number];

/** A file of places in the national standard, applied for at once; answers the report of every row. */
export const importPlacesFile = (input: ImportPlacesInput) => trpc.lieux.importFile.mutate(input);
export type ImportReport = Awaited<ReturnType<typeof importPlacesFile>>;
