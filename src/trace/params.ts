/**
 * Parameter names from a function's source, so an op's inputs read `{ query, limit }` rather
 * than `{ arg0, arg1 }`. Parsed once per op, never per call. Destructured parameters have no
 * single name and fall back to `argN`; a rest parameter collects the remaining arguments.
 */
export interface ParameterList {
  names: Array<string | undefined>;
  rest: string | undefined;
}

export function parameterList(fn: Function): ParameterList {
  let source: string;
  try {
    source = Function.prototype.toString.call(fn);
  } catch {
    return { names: [], rest: undefined };
  }
  const list = parameterSource(stripComments(source));
  if (list === undefined) return { names: [], rest: undefined };
  const names: Array<string | undefined> = [];
  let rest: string | undefined;
  for (const raw of splitTopLevel(list)) {
    const param = raw.trim();
    if (param === '') continue;
    if (param.startsWith('...')) {
      rest = identifierAt(param.slice(3).trim());
      break;
    }
    names.push(identifierAt(param));
  }
  return { names, rest };
}

export function inputsFromArgs(params: ParameterList, args: readonly unknown[]): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  const named = params.names.length;
  for (let i = 0; i < args.length; i++) {
    if (i >= named && params.rest !== undefined) {
      inputs[params.rest] = args.slice(i);
      return inputs;
    }
    inputs[params.names[i] ?? `arg${i}`] = args[i];
  }
  return inputs;
}

function identifierAt(param: string): string | undefined {
  const match = /^[A-Za-z_$][\w$]*/.exec(param);
  return match ? match[0] : undefined;
}

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
}

/**
 * Walks `text` from `start`, skipping string literals, and calls `visit` for every other
 * character with the bracket depth before it. `visit` returning true stops the walk there.
 */
function walkTopLevel(text: string, start: number, visit: (ch: string, index: number, depth: number) => boolean): void {
  let depth = 0;
  let quote: string | undefined;
  for (let i = start; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') {
      quote = ch;
      continue;
    }
    if (visit(ch, i, depth)) return;
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
  }
}

/** The text between the parameter parentheses, or the lone name of `x => ...`. */
function parameterSource(source: string): string | undefined {
  const arrow = /^\s*(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(source);
  if (arrow) return arrow[1];
  const open = source.indexOf('(');
  if (open < 0) return undefined;
  let list: string | undefined;
  walkTopLevel(source, open, (ch, i, depth) => {
    if (depth === 1 && ch === ')') list = source.slice(open + 1, i);
    return list !== undefined;
  });
  return list;
}

function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let start = 0;
  walkTopLevel(list, 0, (ch, i, depth) => {
    if (ch === ',' && depth === 0) {
      parts.push(list.slice(start, i));
      start = i + 1;
    }
    return false;
  });
  parts.push(list.slice(start));
  return parts;
}
