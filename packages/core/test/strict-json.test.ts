import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStrictJsonObject, StrictJsonError } from '../src/strict-json.js';

describe('parseStrictJsonObject', () => {
  it('parses an ordinary object like JSON.parse', () => {
    const text = '{"a":1,"b":[true,false,null,"x",{"c":-1.5e+3}],"d":{}}';
    expect(parseStrictJsonObject(text)).toEqual(JSON.parse(text));
  });

  it.each([
    ['a duplicate member', '{"token_use":"id","token_use":"access"}'],
    ['a duplicate hidden behind an escape', '{"a":1,"\\u0061":2}'],
    ['a duplicate in a nested object', '{"x":{"a":1,"a":2}}'],
    ['__proto__ as a member name', '{"__proto__":{"cognito:groups":["admin"]}}'],
    ['an escaped __proto__', '{"\\u005f_proto__":{}}'],
    ['constructor as a member name', '{"constructor":{"prototype":{}}}'],
    ['a top-level array', '[1,2]'],
    ['a top-level string', '"x"'],
    ['trailing characters', '{"a":1}x'],
    ['two objects', '{}{}'],
    ['a trailing comma', '{"a":1,}'],
    ['a leading zero', '{"a":01}'],
    ['a bare minus', '{"a":-}'],
    ['single quotes', "{'a':1}"],
    ['a raw control character in a string', '{"a":"\u0001"}'],
    ['an unknown escape', '{"a":"\\x41"}'],
    ['a short unicode escape', '{"a":"\\u12"}'],
    ['an unterminated string', '{"a":"abc}'],
    ['a missing colon', '{"a" 1}'],
    ['a leading byte order mark', '\ufeff{"a":1}'],
    ['NaN', '{"a":NaN}'],
    ['an empty text', ''],
  ])('rejects %s', (_name, text) => {
    expect(() => parseStrictJsonObject(text)).toThrow(StrictJsonError);
  });

  it('rejects nesting deeper than the limit without overflowing the stack', () => {
    const deep = `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expect(() => parseStrictJsonObject(deep)).toThrow(/nesting too deep/);
  });

  it('accepts nesting up to the limit', () => {
    const text = `{"a":${'['.repeat(31)}${']'.repeat(31)}}`;
    expect(parseStrictJsonObject(text)).toEqual(JSON.parse(text));
  });

  it('agrees with JSON.parse on every object JSON.stringify produces (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 5 })), (value) => {
        fc.pre(
          !Object.keys(value).some((k) => ['__proto__', 'constructor', 'prototype'].includes(k)),
        );
        const text = JSON.stringify(value);
        fc.pre(!/"(__proto__|constructor|prototype)":/.test(text));
        expect(parseStrictJsonObject(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('never throws anything but StrictJsonError on arbitrary text (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          const value = parseStrictJsonObject(text);
          expect(typeof value).toBe('object');
        } catch (err) {
          expect(err).toBeInstanceOf(StrictJsonError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
