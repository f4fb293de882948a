// The dashboard's entry for programs: loads it with React's production build.
//
// React (and react-reconciler, under Ink) choose their build from NODE_ENV when first loaded;
// without it the development build runs, and its checks took a third of each frame (measured with
// a CPU profile of typing through the dashboard). NODE_ENV is set only for the load and removed
// again, so the agent the dashboard starts gets the environment it would get by hand. A NODE_ENV
// the caller set (tests run with "test") is left alone.

export type Tui = typeof import("./runtime.ts");

export async function loadTui(): Promise<Tui> {
  const unset = process.env.NODE_ENV === undefined;
  if (unset) process.env.NODE_ENV = "production";
  try {
    return await import("./runtime.ts");
  } finally {
    if (unset) delete process.env.NODE_ENV;
  }
}
