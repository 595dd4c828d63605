import type { CreatePartnershipInput, HandOverLeadInput, PartnershipPlaceInput, RespondInvitationInput } from '../../../shared/schemas/partnerships';
import { trpc } from './client';

export const fetchMyPartnerships = () => trpc.partnerships.mine.query();
export const fetchPartnership = (partnershipId: number) => trpc.partnerships.get.query({ partnershipId });
export const createPartnership = (input: CreatePartnershipInput) => trpc.partnerships.create.mutate(input);
export const fetchInvitations = (organisationId: number) => trpc.partnerships.invitations.query({ organisationId });
export const invitePlace = (input: PartnershipPlaceInput) => trpc.partnerships.invite.mutate(input);
export const respondToInvitation = (input: RespondInvitationInput) => trpc.partnerships.respond.mutate(input);
export const leavePartnership = (input: PartnershipPlaceInput) => trpc.partnerships.leave.mutate(input);
export const handOverLead = (input: HandOverLeadInput) => trpc.partnerships.handOverLead.mutate(input);

export type PartnershipSummary = Awaited<ReturnType<typeof fetchMyPartnerships>>[number];
export type PartnershipDetail = Awaited<ReturnType<typeof fetchPartnership>>;
export type PartnershipMember = PartnershipDetail['members'][number];
export type PartnershipEvent = PartnershipDetail['events'][number];
export type Invitation = Awaited<ReturnType<typeof fetchInvitations>>[number];
