// Test-only child: takes the poller lease of a key, says "held", then waits to be killed.
import { SQL } from "bun";
import { tryLeadPolling } from "../../../src/io/catalog/poller-election.ts";

const [url, key] = process.argv.slice(2) as [string, string];
const sql = new SQL(url, { max: 1 });
const lease = await tryLeadPolling(sql, key);
process.stdout.write(lease === null ? "not held\n" : "held\n");
setInterval(() => {}, 1 << 30);
