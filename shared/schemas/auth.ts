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
