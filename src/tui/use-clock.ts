import { useEffect, useState } from "react";

/** The time, refreshed every `everyMs`: ages re-render at that pace instead of on every frame. */
export function useClock(now: () => number, everyMs: number): number {
  const [time, setTime] = useState(now);
  useEffect(() => {
    if (everyMs <= 0) return;
    const timer = setInterval(() => setTime(now()), everyMs);
    return () => clearInterval(timer);
  }, [now, everyMs]);
  return time;
}
