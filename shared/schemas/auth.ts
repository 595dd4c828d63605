import { z } from 'zod';
import { Email } from './common';

export const SignInInput = z
  .object({
    email: Email,
    password: z.string().min(1, { error: 'Mot de passe requis' }).max(200),
  })
  .strict();
export type SignInInput = z.input<typeof SignInInput>;

export const LOCALES = ['fr', 'en'] as const;
export const SetLocaleInput = z.object({ locale: z.enum(LOCALES) }).strict();
export type SetLocaleInput = z.infer<typeof SetLocaleInput>;

/** At least 12 characters: long beats clever (ANSSI's guidance for passwords guarding accounts). */
export const NewPassword = z.string().min(12, { error: 'Au moins 12 caractères' }).max(200, { error: 'Au plus 200 caractères' });

export const ChangePasswordInput = z
  .object({
    currentPassword: z.string().min(1, { error: 'Mot de passe actuel requis' }).max(200),
    newPassword: NewPassword,
  })
  .strict()
  .refine((input) => input.newPassword !== input.currentPassword, { path: ['newPassword'], error: 'Le nouveau mot de passe doit différer de l’actuel' });
export type ChangePasswordInput = z.infer<typeof ChangePasswordInput>;

/** The invited person chooses a password with the one-time link of an invitation. */
export const AcceptInvitationInput = z
  .object({
    token: z.string().min(20).max(100),
    password: NewPassword,
  })
  .strict();
export type AcceptInvitationInput = z.infer<typeof AcceptInvitationInput>;
