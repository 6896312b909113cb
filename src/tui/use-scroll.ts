import { type Key, useInput } from "ink";
import { useRef, useState } from "react";
import { splitKeys } from "./table-keys.ts";

/** Scroll position of a lines screen, driven by the same movement keys as the table; other keys go to `onKey`. */
export function useScroll(options: {
  readonly count: number;
  readonly height: number;
  readonly isActive: boolean;
  readonly onKey: (input: string, key: Key) => void;
}): number {
  const [top, setTop] = useState(0);
  const position = useRef(0);
  const bodyHeight = Math.max(1, options.height - 1);
  const maxTop = Math.max(0, options.count - bodyHeight);
  const half = Math.max(1, Math.floor(bodyHeight / 2));
  const move = (input: string, key: Key) => {
    const from = Math.min(position.current, maxTop);
    const moves: [boolean, number][] = [
      [key.downArrow || (!key.ctrl && input === "j"), from + 1],
      [key.upArrow || (!key.ctrl && input === "k"), from - 1],
      [key.pageDown || input === " ", from + bodyHeight],
      [key.pageUp, from - bodyHeight],
      [key.ctrl && input === "d", from + half],
      [key.ctrl && input === "u", from - half],
      [key.home || input === "g", 0],
      [key.end || input === "G", maxTop],
    ];
    const hit = moves.find(([pressed]) => pressed);
    if (hit === undefined) options.onKey(input, key);
    else position.current = Math.max(0, Math.min(maxTop, hit[1]));
  };
  useInput(
    (input, key) => {
      for (const [typed, typedKey] of splitKeys(input, key)) move(typed, typedKey);
      setTop(position.current);
    },
    { isActive: options.isActive },
  );
  return Math.min(top, maxTop);
}
