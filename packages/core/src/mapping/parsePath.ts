/**
 * Attribute paths as epilot writes them: `a.b[0].c`, `email.0.email` (dotted index),
 * `steps[1]['Persönliche Informationen']['email']` and the legacy `steps[1].['Product Info'].price`.
 * Numbers are array indexes; everything else is an object key.
 */
export type PathSegment = string | number;

export type ParsePathResult =
  | { readonly ok: true; readonly segments: readonly PathSegment[] }
  | { readonly ok: false; readonly message: string };

// A bare segment made only of digits is an index (`email.0.email`), but `007` stays a key:
// an index never has a leading zero, so the key was meant literally.
const INDEX_SEGMENT = /^(0|[1-9][0-9]{0,8})$/;

export function parsePath(path: string): ParsePathResult {
  if (path.length === 0) return fail(path, 'path is empty');
  const segments: PathSegment[] = [];
  let i = 0;
  // true at the start and right after a dot: a segment must follow
  let needSegment = true;

  while (i < path.length) {
    const ch = path[i];
    if (ch === '[') {
      const parsed = parseBracket(path, i);
      if (!parsed.ok) return fail(path, parsed.message);
      segments.push(parsed.segment);
      i = parsed.next;
      needSegment = false;
      const after = path[i];
      if (after !== undefined && after !== '.' && after !== '[') {
        return fail(path, `unexpected "${after}" after "]" at ${i}`);
      }
      continue;
    }
    if (ch === '.') {
      if (needSegment) return fail(path, `empty segment at ${i}`);
      i += 1;
      if (i >= path.length) return fail(path, 'path ends with "."');
      needSegment = path[i] !== '[';
      continue;
    }
    if (ch === ']') return fail(path, `unexpected "]" at ${i}`);
    let key = '';
    while (i < path.length && path[i] !== '.' && path[i] !== '[') {
      if (path[i] === ']') return fail(path, `unexpected "]" at ${i}`);
      key += path[i];
      i += 1;
    }
    segments.push(INDEX_SEGMENT.test(key) ? Number(key) : key);
    needSegment = false;
  }
  return { ok: true, segments };
}

function parseBracket(
  path: string,
  start: number,
): { ok: true; segment: PathSegment; next: number } | { ok: false; message: string } {
  let i = start + 1;
  const quote = path[i];
  if (quote === '"' || quote === "'") {
    let key = '';
    i += 1;
    while (i < path.length && path[i] !== quote) {
      if (path[i] === '\\' && i + 1 < path.length) i += 1;
      key += path[i];
      i += 1;
    }
    if (i >= path.length) return { ok: false, message: `unterminated quote starting at ${start + 1}` };
    i += 1;
    if (path[i] !== ']') return { ok: false, message: `expected "]" at ${i}` };
    return { ok: true, segment: key, next: i + 1 };
  }
  let digits = '';
  while (i < path.length && path[i] !== undefined && /[0-9]/.test(path[i] as string)) {
    digits += path[i];
    i += 1;
  }
  if (digits.length === 0 || path[i] !== ']') {
    return { ok: false, message: `expected an index or a quoted key inside "[...]" at ${start}` };
  }
  return { ok: true, segment: Number(digits), next: i + 1 };
}

function fail(path: string, reason: string): ParsePathResult {
  return { ok: false, message: `invalid path "${path}": ${reason}` };
}

/** The canonical text of a path, used in problem and reason messages. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    // digits are quoted so they stay keys; spaces and quotes read better bracketed, as epilot writes them
    else if (/^[^.[\]'"\s\\]+$/.test(segment) && !/^\d+$/.test(segment)) out += out.length === 0 ? segment : `.${segment}`;
    else out += `['${segment.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
  }
  return out;
}
