/**
 * Milliseconds of CPU this process has used: bounds on work per case (fuzz tests) measured this way do not fail
 * because other processes kept the cores busy, as wall-clock time does.
 */
export function cpuMilliseconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}
