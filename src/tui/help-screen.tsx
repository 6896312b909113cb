import { useMemo } from "react";
import { helpLines } from "./help-lines.ts";
import { PagedLines } from "./paged-lines.tsx";
import { useTuiSettings, useUi } from "./use-catalog.ts";

export function HelpScreen(props: { readonly width: number; readonly height: number }) {
  const active = useUi((state) => state.screen.kind === "help");
  const { ascii } = useTuiSettings();
  const lines = useMemo(() => helpLines(ascii), [ascii]);
  return (
    <PagedLines
      title="ckpt │ help (? or Esc closes)"
      lines={lines}
      active={active}
      height={props.height}
      width={props.width}
    />
  );
}
