import type { AssignBookletsInput, ExportPassesInput, HandOutBookletInput, InvitePrescriberInput, IssueBookletsInput, RenewInvitationInput } from '../../../shared/schemas/passes';
import { trpc } from './client';

/** Proof of delivery with pass (issue 11): booklets for funders and prescribers, prescribers for funders. */

export const fetchOrderPasses = (orderId: number) => trpc.passes.ofOrder.query({ orderId });
/** A mutation: each opening of a booklet's codes is audited. */
export const fetchBooklet = (bookletId: number) => trpc.passes.printBooklet.mutate({ bookletId });
export const issueBooklets = (input: IssueBookletsInput) => trpc.passes.issue.mutate(input);
export const assignBooklets = (input: AssignBookletsInput) => trpc.passes.assign.mutate(input);
export const handOutBooklet = (input: HandOutBookletInput) => trpc.passes.handOut.mutate(input);
export const exportPassesCsv = (input: ExportPassesInput) => trpc.passes.exportCsv.mutate(input);

export const invitePrescriber = (input: InvitePrescriberInput) => trpc.prescribers.invite.mutate(input);
export const renewInvitation = (input: RenewInvitationInput) => trpc.prescribers.renewInvitation.mutate(input);
export const fetchPrescribersOfFunder = (organisationId: number) => trpc.prescribers.ofFunder.query({ organisationId });
export const fetchPrescriberBooklets = (organisationId: number) => trpc.prescribers.booklets.query({ organisationId });

export type OrderPasses = Awaited<ReturnType<typeof fetchOrderPasses>>;
export type OrderBooklet = OrderPasses['booklets'][number];
export type BookletStatus = OrderBooklet['status'];
export type PrintableBooklet = Awaited<ReturnType<typeof fetchBooklet>>;
export type Prescriber = Awaited<ReturnType<typeof fetchPrescribersOfFunder>>[number];
export type PrescriberBooklet = Awaited<ReturnType<typeof fetchPrescriberBooklets>>[number];
export type InvitedPrescriber = Awaited<ReturnType<typeof invitePrescriber>>;
