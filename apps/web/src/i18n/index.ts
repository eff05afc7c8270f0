import { createTranslations, Translate } from '@amani/html';
import { ar } from './ar';
import { en } from './en';
import { es } from './es';
import { fr } from './fr';

export const WEB_LANGUAGES = ['en', 'fr', 'ar', 'es'] as const;
export type WebLanguage = (typeof WEB_LANGUAGES)[number];

export const CATALOGUES = { en, fr, ar, es };

const translations = createTranslations<WebLanguage>(CATALOGUES, 'en');

export function translate(lang: WebLanguage): Translate {
  return translations(lang);
}

export function webLanguage(value: unknown): WebLanguage | null {
  return typeof value === 'string' && (WEB_LANGUAGES as readonly string[]).includes(value) ? (value as WebLanguage) : null;
}

export function direction(lang: WebLanguage): 'rtl' | 'ltr' {
  return lang === 'ar' ? 'rtl' : 'ltr';
}
