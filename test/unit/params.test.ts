import { describe, expect, it } from 'vitest';
import { inputsFromArgs, parameterList } from '../../src/trace/params.js';

describe('parameterList', () => {
  it.each([
    ['plain function', function f(a: number, b: number) { return a + b; }, ['a', 'b'], undefined],
    ['arrow without parens', (q: string) => q, ['q'], undefined],
    ['async arrow', async (x: number, y = ')', z = '(,') => x + y + z, ['x', 'y', 'z'], undefined],
    ['defaults with commas and brackets', function g(a = [1, 2], { b, c } = { b: 1, c: 2 }, d = fn(1, 2)) { return [a, b, c, d]; }, ['a', undefined, 'd'], undefined],
    ['rest', function h(first: string, ...others: string[]) { return [first, others]; }, ['first'], 'others'],
    ['comments', function k(/* a, b */ real: number /* , fake */, // c, d
      other: number) { return real + other; }, ['real', 'other'], undefined],
    ['method', { m(a: string, b: string) { return a + b; } }.m, ['a', 'b'], undefined],
    ['async generator method', { async *gen(limit: number) { yield limit; } }.gen, ['limit'], undefined],
    ['template literal default', function t(a = `x,${1})`, b = 2) { return a + b; }, ['a', 'b'], undefined],
  ])('%s', (_label, fn, names, rest) => {
    expect(parameterList(fn as Function)).toEqual({ names, rest });
  });

  it('maps arguments to names, positions for the rest', () => {
    const params = parameterList(function f(a: number, { x }: { x: number }, ...more: number[]) { return [a, x, more]; });
    expect(inputsFromArgs(params, [1, { x: 2 }, 3, 4])).toEqual({ a: 1, arg1: { x: 2 }, more: [3, 4] });
    expect(inputsFromArgs(parameterList(() => 0), ['extra'])).toEqual({ arg0: 'extra' });
    expect(inputsFromArgs(parameterList(Math.max), [1, 2])).toEqual({ arg0: 1, arg1: 2 });
  });
});

function fn(a: number, b: number) {
  return a + b;
}
