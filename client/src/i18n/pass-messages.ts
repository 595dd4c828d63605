import { createSignal } from 'solid-js';
import { locale } from './index';
import { passFr, type PassMessageKey } from './pass-messages.fr';

export type { PassMessageKey };

// Like `t`, for the pass pages' own book: French ships with those pages, English comes when asked.
const [english, setEnglish] = createSignal<Record<PassMessageKey, string>>();
let englishLoading: Promise<void> | undefined;
function loadEnglish(): Promise<void> {
  englishLoading ??= import('./pass-messages.en').then((module) => {
    setEnglish(() => module.passEn);
  });
  return englishLoading;
}

/** Translates a key of the pass pages, reactive to the locale: `tp('redeem.check')`. */
export function tp(key: PassMessageKey, params: Record<string, string | number> = {}): string {
  if (locale() === 'en') void loadEnglish();
  const template = (locale() === 'en' ? english() : undefined)?.[key] ?? passFr[key];
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}
