import { type SQL, getTableColumns, getTableName, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";

/**
 * `insert into TABLE (columns) select columns from` a batch of rows sent as ONE jsonb parameter, `tail` (an
 * `on conflict` clause) after it. The write-behind batches of every request's ledger row and bindings went through
 * drizzle's multi-row `values()`, which builds one parameter object per cell (a tenth of a gateway instance's CPU
 * under load) and a statement text per batch size (a new prepared statement each time); this text is the same for
 * every batch. The columns are those the first row holds (every row has the same shape: the repository's row type);
 * values go as they are (epoch-ms numbers, text, jsonb objects: a JSON null is SQL NULL).
 */
export function insertJsonRows<T extends PgTable>(table: T, rows: readonly Record<string, unknown>[], tail: SQL): SQL {
  const columns = Object.entries(getTableColumns(table)).filter(([key]) => key in (rows[0] ?? {}));
  const cells = rows.map((row) => {
    const cell: Record<string, unknown> = {};
    for (const [key, column] of columns) cell[column.name] = row[key] ?? null;
    return cell;
  });
  const names = sql.join(
    columns.map(([, column]) => sql.identifier(column.name)),
    sql`, `,
  );
  const name = sql.identifier(getTableName(table));
  // `::text` first: a string parameter typed jsonb is sent as one JSON string, not the array it holds.
  return sql`insert into ${name} (${names}) select ${names}
    from jsonb_populate_recordset(null::${name}, ${JSON.stringify(cells)}::text::jsonb) ${tail}`;
}
