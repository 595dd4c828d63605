import type { AcceptInvitationInput, ChangePasswordInput, SignInInput } from '../../../shared/schemas/auth';
import { trpc } from './client';

export const fetchMe = () => trpc.auth.me.query();
export const signIn = (input: SignInInput) => trpc.auth.signIn.mutate(input);
export const signOut = () => trpc.auth.signOut.mutate();
export const saveLocale = (locale: 'fr' | 'en') => trpc.auth.setLocale.mutate({ locale });

export type Me = NonNullable<Awaited<ReturnType<typeof fetchMe>>>;
export type Membership = Me['memberships'][number];
export const changePassword = (input: ChangePasswordInput) => trpc.auth.changePassword.mutate(input);

/** A one-time invitation link (a prescriber's contact, issue 11): who it is for, then the password that signs in. */
export const fetchInvitation = (token: string) => trpc.auth.invitation.query({ token });
export const acceptInvitation = (input: AcceptInvitationInput) => trpc.auth.acceptInvitation.mutate(input);
export type Invitation = Awaited<ReturnType<typeof fetchInvitation>>;
