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

/** The text between the parameter parentheses, or the lone name of `x => ...`. */
function parameterSource(source: string): string | undefined {
  const arrow = /^\s*(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(source);
  if (arrow) return arrow[1];
  const open = source.indexOf('(');
  if (open < 0) return undefined;
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < source.length; i++) {
    const ch = source[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') {
      depth--;
      if (depth === 0) return source.slice(open + 1, i);
    }
  }
  return undefined;
}

function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const ch = list[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(list.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(list.slice(start));
  return parts;
}
