import { useMemo } from "react";
import { helpLines } from "./help-lines.ts";
import { LinesView } from "./lines-view.tsx";
import { handlePageKey } from "./page-keys.ts";
import { useTuiActions, useTuiSettings, useUi } from "./use-catalog.ts";
import { useScroll } from "./use-scroll.ts";

export function HelpScreen(props: { readonly width: number; readonly height: number }) {
  const active = useUi((state) => state.screen.kind === "help");
  const actions = useTuiActions();
  const { ascii } = useTuiSettings();
  const lines = useMemo(() => helpLines(ascii), [ascii]);
  const top = useScroll({
    count: lines.length,
    height: props.height,
    isActive: active,
    onKey: (input, key) => handlePageKey(input, key, { actions }),
  });
  return (
    <LinesView
      title="ckpt │ help (? or Esc closes)"
      lines={lines}
      top={top}
      height={props.height}
      width={props.width}
    />
  );
}
