// "Which language is this word?" (many-to-one) and "make up a word in language X" (one-to-many) from plain
// word lists, one word per line, such as Debian's /usr/share/dict/{american-english,ngerman,french,spanish}.
// The host reads the files; this takes their text or lines. Cleaning, per language:
//   - Unicode NFC (so "é" is one code point whichever way the file spells it), then lower-case by default,
//     since German capitalises every noun and English lists proper names: case would give the language away;
//   - only words made of letters (and combining marks) of length minLength..maxLength: drops possessives
//     ("cat's"), hyphenated and dotted entries, abbreviations with digits;
//   - duplicates removed; words found in more than one language dropped (their label would be a coin flip).
// Then each language is shuffled with the Rng and cut to the same size (balanced classes, so accuracy is
// comparable to chance = 1 / languages).

import { Rng } from '../rng';
import { LabeledText } from './readers';

export interface WordLanguageOptions {
  /** Words kept per language (default: as many as the smallest language has after cleaning). */
  perLanguage?: number;
  minLength?: number; // default 2
  maxLength?: number; // default 20
  lowercase?: boolean; // default true
  /** Drop words that occur in more than one language's list (default true). */
  dropShared?: boolean;
}

export interface WordLanguageData {
  /** Language names, sorted: label id = index. */
  languages: string[];
  /** Kept words per language (shuffled): the corpus for "make up a word in language X". */
  words: Record<string, string[]>;
  /** All kept words with their language, shuffled across languages: the classification dataset. */
  examples: LabeledText[];
}

const LETTERS = /^[\p{L}\p{M}]+$/u;

/** Lines of a word-list file (any line ending), trimmed, blanks dropped. */
export function wordListFromText(text: string): string[] {
  return text.split(/\r\n|\n|\r/).map((w) => w.trim()).filter((w) => w.length > 0);
}

export function buildWordLanguageData(
  lists: Readonly<Record<string, readonly string[]>>, rng: Rng, options: WordLanguageOptions = {},
): WordLanguageData {
  const languages = Object.keys(lists).sort();
  if (languages.length < 2) throw new Error(`need word lists for at least 2 languages, got ${languages.length}`);
  const minLength = options.minLength ?? 2;
  const maxLength = options.maxLength ?? 20;
  const lower = options.lowercase ?? true;
  const cleaned = new Map<string, Set<string>>();
  for (const lang of languages) {
    const set = new Set<string>();
    for (const raw of lists[lang]) {
      let w = raw.trim().normalize('NFC');
      if (lower) w = w.toLowerCase();
      const len = Array.from(w).length;
      if (len >= minLength && len <= maxLength && LETTERS.test(w)) set.add(w);
    }
    cleaned.set(lang, set);
  }
  if (options.dropShared ?? true) {
    const owners = new Map<string, number>();
    for (const set of cleaned.values()) for (const w of set) owners.set(w, (owners.get(w) ?? 0) + 1);
    for (const set of cleaned.values()) for (const w of set) if (owners.get(w)! > 1) set.delete(w);
  }
  let per = Infinity;
  for (const lang of languages) per = Math.min(per, cleaned.get(lang)!.size);
  if (options.perLanguage !== undefined) per = Math.min(per, options.perLanguage);
  if (per === 0) {
    const empty = languages.find((l) => cleaned.get(l)!.size === 0);
    throw new Error(`no usable words left for ${empty ?? 'a language'} after cleaning`);
  }
  const words: Record<string, string[]> = {};
  const examples: LabeledText[] = [];
  for (const lang of languages) {
    // Sort before shuffling so the result depends only on the set of words, not on the file's order.
    const all = [...cleaned.get(lang)!].sort();
    rng.shuffle(all);
    words[lang] = all.slice(0, per);
    for (const w of words[lang]) examples.push({ text: w, label: lang });
  }
  rng.shuffle(examples);
  return { languages, words, examples };
}
