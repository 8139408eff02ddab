/**
 * Wildcard values (`{"wildcard": "dir/*.png"}`): `*` stands for any run of characters, `\*` for
 * a literal asterisk and `\\` for a literal backslash. Two `*` in a row and any other escape are
 * rejected, as Event Ruler's WildcardParser rejects them.
 *
 * Matching splits the value on its wildcards and looks for the literal pieces in order, which is
 * linear in the event value; a backtracking RegExp would be open to pathological inputs.
 */

export type WildcardParse =
  | { readonly ok: true; readonly pieces: readonly string[] }
  | { readonly ok: false; readonly message: string };

/** Splits a wildcard value into the literal pieces between its wildcards. */
export function parseWildcard(value: string): WildcardParse {
  const pieces: string[] = [];
  let piece = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '*') {
      if (value[i + 1] === '*') {
        return { ok: false, message: `consecutive wildcard characters at position ${i}` };
      }
      pieces.push(piece);
      piece = '';
    } else if (ch === '\\') {
      const next = value[i + 1];
      if (next !== '*' && next !== '\\') {
        return { ok: false, message: `invalid escape character at position ${i} (only \\* and \\\\ are allowed)` };
      }
      piece += next;
      i++;
    } else {
      piece += ch;
    }
  }
  pieces.push(piece);
  return { ok: true, pieces };
}

/** A predicate for a parsed wildcard: pieces[0] anchors the start, the last piece the end. */
export function wildcardMatcher(pieces: readonly string[]): (value: string) => boolean {
  if (pieces.length === 1) {
    const exact = pieces[0]!;
    return (value) => value === exact;
  }
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  const middle = pieces.slice(1, -1).filter((p) => p.length > 0);
  const minLength = first.length + last.length;
  return (value) => {
    if (value.length < minLength || !value.startsWith(first) || !value.endsWith(last)) return false;
    let from = first.length;
    const end = value.length - last.length;
    for (const piece of middle) {
      const at = value.indexOf(piece, from);
      if (at < 0 || at + piece.length > end) return false;
      from = at + piece.length;
    }
    return true;
  };
}
