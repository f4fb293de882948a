import { defineConfig } from "drizzle-kit";

// The team gateway's PostgreSQL schema, beside the SQLite one (drizzle.config.ts).
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/pg/schema.ts",
  out: "./drizzle-pg",
});
