import { EXPLANATORY_CODE_DESCRIPTIONS } from './explanatory-codes';

/** What an explanatory code means, from the table the project ships; null for a code it lacks. */
export function explanatoryCodeDescription(code: string): string | null {
  return Object.hasOwn(EXPLANATORY_CODE_DESCRIPTIONS, code)
    ? (EXPLANATORY_CODE_DESCRIPTIONS[code] ?? null)
    : null;
}
