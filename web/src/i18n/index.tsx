// The portal's words, Simplified Chinese first: every text a person reads comes from a
// dictionary by key, so that no page shows a key or a half-translated line. A key missing from
// the language in use is an error (the tests check that both dictionaries hold every key the
// portal asks for), never a silent fallback.

import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { zh } from './zh';
import { en } from './en';

export type Language = 'zh' | 'en';
export type Dictionary = Record<string, string>;

export const dictionaries: Record<Language, Dictionary> = { zh, en };

/** Thrown for a key a dictionary lacks. */
export class MissingTranslation extends Error {
  constructor(
    readonly language: Language,
    readonly key: string,
  ) {
    super(`no ${language} text for "${key}"`);
  }
}

/** `key`'s text in `language`, with `{name}` replaced by `params.name`. */
export function translate(language: Language, key: string, params: Record<string, string | number> = {}): string {
  const text = dictionaries[language][key];
  if (text === undefined) throw new MissingTranslation(language, key);
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Whether `language` has a text for `key`. */
export function has(language: Language, key: string): boolean {
  return dictionaries[language][key] !== undefined;
}

export type Translate = (key: string, params?: Record<string, string | number>) => string;

interface Words {
  language: Language;
  setLanguage: (language: Language) => void;
  t: Translate;
}

const Context = createContext<Words | null>(null);

const STORED = 'banktax.language';

function initialLanguage(): Language {
  const stored = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORED);
  return stored === 'en' ? 'en' : 'zh';
}

export function I18nProvider({ children, language: fixed }: { children: ReactNode; language?: Language }) {
  const [language, setStored] = useState<Language>(fixed ?? initialLanguage());
  const words = useMemo<Words>(
    () => ({
      language,
      setLanguage: (next) => {
        localStorage.setItem(STORED, next);
        document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
        setStored(next);
      },
      t: (key, params) => translate(language, key, params),
    }),
    [language],
  );
  return <Context.Provider value={words}>{children}</Context.Provider>;
}

export function useI18n(): Words {
  const words = useContext(Context);
  if (!words) throw new Error('useI18n outside I18nProvider');
  return words;
}
