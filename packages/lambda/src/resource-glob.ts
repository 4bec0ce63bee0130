/**
 * IAM resource wildcards as API Gateway evaluates them for `execute-api:Invoke`: `*` matches any
 * sequence of characters **including `/`**, `?` matches exactly one character (IAM "Resource"
 * element reference; Tenchi Security, cited in CCSI-Toolset/FOQUS#934: `…/GET/users*` also matches
 * `/users/123/secrets`). There is no segment-bounded wildcard.
 *
 * Both functions run in time proportional to the product of the lengths at worst, with no
 * regular expressions built from input, so a long request path cannot cause catastrophic
 * backtracking.
 */

/**
 * Does `subject` match the IAM resource `pattern`? `*` and `?` are wildcards in the pattern
 * only; the subject is literal (a `*` in a request path is just a character).
 *
 * @example
 * ```ts
 * resourceMatches('GET/orders/*', 'GET/orders/1/items'); // true: `*` crosses `/`
 * ```
 */
export function resourceMatches(pattern: string, subject: string): boolean {
  let p = 0;
  let s = 0;
  let starP = -1;
  let starS = 0;
  while (s < subject.length) {
    const c = pattern[p];
    if (c === '*') {
      starP = p;
      starS = s;
      p += 1;
    } else if (c !== undefined && (c === '?' || c === subject[s])) {
      p += 1;
      s += 1;
    } else if (starP >= 0) {
      // Backtrack: let the last star absorb one more character.
      p = starP + 1;
      starS += 1;
      s = starS;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p += 1;
  return p === pattern.length;
}

/**
 * Is there a string both `*`-patterns match? Used to decide whether a Deny statement is needed
 * for a refused route: it is when an Allow pattern of another route overlaps it. Only `*` is a
 * wildcard here (the route compiler never emits `?`).
 *
 * @example
 * ```ts
 * patternsOverlap('GET/orders/*', 'GET/*\/secret'); // true: GET/orders/x/secret
 * patternsOverlap('GET/orders/*', 'POST/*');        // false
 * ```
 */
export function patternsOverlap(a: string, b: string): boolean {
  // Quick rejects: the literal text before the first star of each must agree on their common
  // length, and likewise the text after the last star.
  const aHead = a.indexOf('*');
  const bHead = b.indexOf('*');
  const headA = aHead < 0 ? a : a.slice(0, aHead);
  const headB = bHead < 0 ? b : b.slice(0, bHead);
  const headLength = Math.min(headA.length, headB.length);
  if (headA.slice(0, headLength) !== headB.slice(0, headLength)) return false;
  if (aHead < 0 && bHead < 0) return a === b;
  if (aHead < 0) return resourceMatches(b, a);
  if (bHead < 0) return resourceMatches(a, b);
  const tailA = a.slice(a.lastIndexOf('*') + 1);
  const tailB = b.slice(b.lastIndexOf('*') + 1);
  const tailLength = Math.min(tailA.length, tailB.length);
  if (tailA.slice(tailA.length - tailLength) !== tailB.slice(tailB.length - tailLength)) {
    return false;
  }
  // reach[i][j]: a[i:] and b[j:] can still produce a common string. Filled from the ends.
  const width = b.length + 1;
  const reach = new Uint8Array((a.length + 1) * width);
  reach[a.length * width + b.length] = 1;
  for (let i = a.length; i >= 0; i -= 1) {
    for (let j = b.length; j >= 0; j -= 1) {
      if (i === a.length && j === b.length) continue;
      const ca = a[i];
      const cb = b[j];
      let ok = false;
      if (ca === '*') {
        // The star produces nothing more, or it absorbs the next character (or star) of b.
        ok = reach[(i + 1) * width + j] === 1 || (j < b.length && reach[i * width + j + 1] === 1);
      } else if (cb === '*') {
        ok = reach[i * width + j + 1] === 1 || (i < a.length && reach[(i + 1) * width + j] === 1);
      } else if (ca !== undefined && ca === cb) {
        ok = reach[(i + 1) * width + j + 1] === 1;
      }
      if (ok) reach[i * width + j] = 1;
    }
  }
  return reach[0] === 1;
}
