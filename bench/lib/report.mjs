/** Plain-text tables for the bench report. */

/** Prints `rows` (arrays of cells) under `header`, each column as wide as its widest cell. */
export function printTable(title, header, rows) {
  const cells = [header, ...rows].map((row) => row.map((cell) => String(cell ?? '')));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  console.log(`\n${title}`);
  console.log(line(cells[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of cells.slice(1)) console.log(line(row));
}

/** A number for a table cell: grouped thousands, `digits` decimals below 100. */
export function num(value, digits = 1) {
  if (value === undefined || value === null || Number.isNaN(value)) return 'n/a';
  const abs = Math.abs(value);
  const decimals = abs >= 100 ? 0 : digits;
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

export function signed(value, digits = 1) {
  const text = num(value, digits);
  return value > 0 ? `+${text}` : text;
}

export function percent(value) {
  return `${signed(value, 1)}%`;
}

/** "[low, high]" of a pair (a median's 95% interval, quartiles, a range), as a table cell. */
export function spread(pair, scale = 1, digits = 0) {
  if (!pair) return '';
  return `[${num(pair[0] * scale, digits)}, ${num(pair[1] * scale, digits)}]`;
}

/** One SPEC target with what was measured, for the summary and results.json. */
export function target(id, description, targetText, measured, pass) {
  return { id, description, target: targetText, measured, pass };
}
