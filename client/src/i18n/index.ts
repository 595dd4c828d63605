import { createSignal } from 'solid-js';
import { formatMoney } from '../../../shared/money';
import { fr, type MessageKey } from './fr';

export type Locale = 'fr' | 'en';
const STORAGE_KEY = 'aptic.locale';

// French is the product's language and ships with every page; the English messages are a chunk
// of their own, loaded when someone picks English (the texts switch as soon as it arrives).
const [english, setEnglish] = createSignal<Record<MessageKey, string>>();
let englishLoading: Promise<void> | undefined;
function loadEnglish(): Promise<void> {
  englishLoading ??= import('./en').then((module) => {
    setEnglish(() => module.en);
  });
  return englishLoading;
}

const initial: Locale = localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'fr';
const [locale, setLocaleSignal] = createSignal<Locale>(initial);
document.documentElement.lang = initial;
if (initial === 'en') void loadEnglish();

export { locale };

export function setLocale(next: Locale): void {
  if (next === 'en') void loadEnglish();
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next;
  setLocaleSignal(next);
}

/** Translates a key, reactive to the locale: `t('place.qualifiedOn', { date })`. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = (locale() === 'en' ? english() : undefined)?.[key] ?? fr[key];
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

const intlLocale = () => (locale() === 'fr' ? 'fr-FR' : 'en-GB');

/** Money through the one shared formatter, in the interface's locale. */
export const money = (cents: number, whole = true) => formatMoney(cents, { locale: intlLocale(), whole });

export const formatDate = (iso: string) => new Intl.DateTimeFormat(intlLocale(), { dateStyle: 'long' }).format(new Date(iso));

export const formatNumber = (n: number) => new Intl.NumberFormat(intlLocale()).format(n);

export const formatDateTime = (iso: string) => new Intl.DateTimeFormat(intlLocale(), { dateStyle: 'long', timeStyle: 'short' }).format(new Date(iso));

/** Basis points as a percentage (500 → « 5 % », 250 → « 2,5 % »). */
export const formatBps = (bps: number) => new Intl.NumberFormat(intlLocale(), { style: 'percent', maximumFractionDigits: 2 }).format(bps / 10_000);

/** A `YYYY-MM` month in words (« octobre 2026 »), read in UTC so no time zone shifts it. */
export const formatMonth = (month: string) =>
  new Intl.DateTimeFormat(intlLocale(), { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${month}-01T00:00:00Z`));
