import { join } from "node:path";

/**
 * The captured client requests the proxy's own tests replay (packages/proxy/test/fixtures): the
 * benches send the same bytes, read as data so there is one copy of each capture.
 */
export const PROXY_FIXTURES = join(import.meta.dir, "../../packages/proxy/test/fixtures");
