/**
 * Custom per-token prices a project registered with `addCost`. Only storage lives here;
 * choosing which price applies to a call belongs to the cost module.
 */
import type Database from 'better-sqlite3';

export interface CustomCost {
  project: string;
  model: string;
  /** null: the price applies whatever provider served the model. */
  provider: string | null;
  /** USD per token. */
  inputTokenCost: number;
  outputTokenCost: number;
  /** null: fall back to `inputTokenCost`. */
  cacheReadTokenCost: number | null;
  cacheWriteTokenCost: number | null;
  effectiveDateMs: number;
  createdAtMs: number;
}

interface CostRow {
  project: string;
  model: string;
  provider: string | null;
  input_token_cost: number;
  output_token_cost: number;
  cache_read_token_cost: number | null;
  cache_write_token_cost: number | null;
  effective_date: number;
  created_at: number;
}

interface CostStatements {
  insert: Database.Statement;
  list: Database.Statement<[string], CostRow>;
}

const statementsByDb = new WeakMap<Database.Database, CostStatements>();

function statementsFor(db: Database.Database): CostStatements {
  let statements = statementsByDb.get(db);
  if (!statements) {
    statements = {
      insert: db.prepare(`
        INSERT INTO costs (project, model, provider, input_token_cost, output_token_cost,
          cache_read_token_cost, cache_write_token_cost, effective_date, created_at)
        VALUES (@project, @model, @provider, @inputTokenCost, @outputTokenCost,
          @cacheReadTokenCost, @cacheWriteTokenCost, @effectiveDateMs, @createdAtMs)`),
      list: db.prepare<[string], CostRow>(`
        SELECT * FROM costs WHERE project = ?
        ORDER BY model, effective_date DESC, id DESC`),
    };
    statementsByDb.set(db, statements);
  }
  return statements;
}

export function insertCost(db: Database.Database, cost: CustomCost): void {
  statementsFor(db).insert.run(cost);
}

/** Newest effective date first within each model; among equal dates, the latest added first. */
export function listCosts(db: Database.Database, project: string): CustomCost[] {
  return statementsFor(db).list.all(project).map((row) => ({
    project: row.project,
    model: row.model,
    provider: row.provider,
    inputTokenCost: row.input_token_cost,
    outputTokenCost: row.output_token_cost,
    cacheReadTokenCost: row.cache_read_token_cost,
    cacheWriteTokenCost: row.cache_write_token_cost,
    effectiveDateMs: row.effective_date,
    createdAtMs: row.created_at,
  }));
}
