import type { ConfirmDraftLineInput, EditDraftLineInput, EditDraftTermsInput, OpenDraftInput, SubmitDraftInput } from '../../../shared/schemas/partnerships';
import { trpc } from './client';

export const openDraft = (input: OpenDraftInput) => trpc.drafts.open.mutate(input);
export const fetchDraft = (bidId: number) => trpc.drafts.get.query({ bidId });
export const fetchDraftAllocation = (bidId: number) => trpc.drafts.recommend.query({ bidId });
export const editDraftLine = (input: EditDraftLineInput) => trpc.drafts.editLine.mutate(input);
export const confirmDraftLine = (input: ConfirmDraftLineInput) => trpc.drafts.confirmLine.mutate(input);
export const editDraftTerms = (input: EditDraftTermsInput) => trpc.drafts.editTerms.mutate(input);
export const submitDraft = (input: SubmitDraftInput) => trpc.drafts.submit.mutate(input);

export type DraftView = Awaited<ReturnType<typeof fetchDraft>>;
export type DraftLineView = DraftView['lines'][number];
