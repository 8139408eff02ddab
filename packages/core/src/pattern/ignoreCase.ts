/**
 * Case-insensitive comparison the way Event Ruler's EqualsIgnoreCaseParser defines it: each
 * UTF-16 unit of the pattern may be matched by its lower-case or its upper-case form (both
 * locale-independent). That is not the same as lower-casing both sides: the Kelvin sign does not
 * match "k", "ß" matches "SS" but not "ss", and characters outside the BMP are compared exactly.
 */

export type Anchor = 'whole' | 'start' | 'end';

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** A predicate telling whether a string equals / starts with / ends with `pattern`, ignoring case. */
export function ignoreCaseMatcher(pattern: string, anchor: Anchor): (value: string) => boolean {
  const lower: string[] = [];
  const upper: string[] = [];
  let simple = true;
  for (let i = 0; i < pattern.length; i++) {
    const unit = pattern[i]!;
    const lo = unit.toLowerCase();
    const up = unit.toUpperCase();
    lower.push(lo);
    upper.push(up);
    if (lo.length !== 1 || up.length !== 1) simple = false;
  }

  if (simple) {
    // Every alternative is one unit long, so the value must line up unit by unit.
    const lo = lower.join('');
    const up = upper.join('');
    const n = pattern.length;
    const sameAt = (value: string, offset: number): boolean => {
      for (let i = 0; i < n; i++) {
        const c = value[offset + i];
        if (c !== lo[i] && c !== up[i]) return false;
      }
      return true;
    };
    switch (anchor) {
      case 'whole':
        return (value) => value.length === n && sameAt(value, 0);
      case 'start':
        return (value) => value.length >= n && sameAt(value, 0);
      case 'end':
        return (value) => value.length >= n && sameAt(value, value.length - n);
    }
  }

  // Some unit changes length with case (e.g. "ß" → "SS"): fall back to a RegExp of alternatives.
  // Each group is a choice between fixed strings, so there is no nested repetition to blow up.
  const body = lower
    .map((lo, i) => {
      const up = upper[i]!;
      return lo === up ? escapeRegExp(lo) : `(?:${escapeRegExp(lo)}|${escapeRegExp(up)})`;
    })
    .join('');
  const source = anchor === 'whole' ? `^${body}$` : anchor === 'start' ? `^${body}` : `${body}$`;
  const re = new RegExp(source);
  return (value) => re.test(value);
}
