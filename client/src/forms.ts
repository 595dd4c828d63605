import { createSignal } from 'solid-js';
import type { z } from 'zod';
import { errorCode, fieldErrorsOf, type FieldErrors } from './api/client';
import { t } from './i18n';

/**
 * Euros typed by a person (« 10,50 », « 1 234.5 », « 12 € ») to integer cents, without going
 * through a float: the integer and decimal parts are read as separate integers.
 * Returns undefined for anything that is not a non-negative amount with at most two decimals.
 */
export function parseEuros(text: string): number | undefined {
  const compact = text.replace(/[\s\u00a0\u202f€]/g, '');
  const match = /^(\d+)(?:[.,](\d{1,2}))?$/.exec(compact);
  if (!match) return undefined;
  const cents = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(cents) ? cents : undefined;
}

/**
 * A percentage typed by a person (« 5 », « 2,5 % ») to basis points, without a float: the same
 * reading as euros to cents, since both are hundredths. Undefined for anything else.
 */
export const parsePercentBps = (text: string): number | undefined => parseEuros(text.replace(/%/g, ''));

/** Cents to what a French person would type back (« 10,50 »), for prefilled amount fields. */
export function centsToEurosInput(cents: number): string {
  const whole = Math.trunc(cents / 100);
  const rest = cents % 100;
  return rest === 0 ? String(whole) : `${whole},${String(rest).padStart(2, '0')}`;
}

/** A whole number typed in a field; NaN when blank or not a number, so the schema reports it. */
export const parseCount = (text: string): number => (text.trim() === '' ? Number.NaN : Number(text.trim()));

/** Comma-, space- or semicolon-separated codes (« 29019, 29232 ») as a list. */
export const splitCodes = (text: string): string[] => text.split(/[\s,;]+/).map((code) => code.trim().toUpperCase()).filter(Boolean);

/**
 * The errors of a failed client-side parse, keyed both by the top-level field (as the server
 * reports them) and by the full path (« lines.2.quantity »), so a form can show either.
 */
export function schemaErrors(error: z.ZodError): FieldErrors {
  const errors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const keys = new Set([String(issue.path[0] ?? ''), issue.path.join('.')]);
    for (const key of keys) errors[key] = [...(errors[key] ?? []), messageOf(issue)];
  }
  return errors;
}

/** zod's generic wording for the two commonest slips (a blank field, a number that is not one), in the interface's language. */
function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'too_small' && issue.origin === 'string' && Number(issue.minimum) === 1) return t('form.required');
  if (issue.code === 'invalid_type' && issue.expected === 'number') return t('form.numberRequired');
  return issue.message;
}

/** A network failure (no answer from the server), as opposed to a refusal. */
export const isNetworkError = (error: unknown) => errorCode(error) === undefined;

/**
 * The state of one form's submission: pending flag, the message shown above the form and the
 * field errors shown beside each field (from the shared schema or the server's BAD_REQUEST).
 */
export function createSubmission() {
  const [pending, setPending] = createSignal(false);
  const [error, setError] = createSignal<string>();
  const [fieldErrors, setFieldErrors] = createSignal<FieldErrors>({});

  const fieldError = (name: string) => fieldErrors()[name]?.join(' ') || undefined;

  /** Fails the submission locally with the schema's errors (no round trip). */
  const invalid = (zodError: z.ZodError, message: string) => {
    setFieldErrors(schemaErrors(zodError));
    setError(message);
  };

  /** Fails the submission locally with errors of our own (a rule no schema holds). */
  const refuse = (fields: FieldErrors, message: string) => {
    setFieldErrors(fields);
    setError(message);
  };

  /** Runs the request; on refusal keeps the server's message and field errors. Returns success. */
  const run = async (request: () => Promise<unknown>): Promise<boolean> => {
    setPending(true);
    setError(undefined);
    setFieldErrors({});
    try {
      await request();
      return true;
    } catch (e) {
      setFieldErrors(fieldErrorsOf(e));
      // No answer at all (offline, server down): say so rather than the browser's wording.
      setError(isNetworkError(e) ? t('form.network') : e instanceof Error ? e.message : String(e));
      return false;
    } finally {
      setPending(false);
    }
  };

  const reset = () => {
    setError(undefined);
    setFieldErrors({});
  };

  return { pending, error, fieldErrors, fieldError, invalid, refuse, run, reset, setError };
}

export type Submission = ReturnType<typeof createSubmission>;

/** A UUID v4; `crypto.randomUUID` only exists on HTTPS or localhost, getRandomValues everywhere. */
function randomKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * An idempotency key for one submission: created on the first attempt, kept while the person
 * retries the same content (after a lost answer the server replays instead of counting twice),
 * forgotten once it succeeded or the content changed.
 */
export function createIdempotencyKey() {
  let key: string | undefined;
  return {
    current: () => (key ??= randomKey()),
    forget: () => {
      key = undefined;
    },
  };
}
