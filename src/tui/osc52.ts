/**
 * OSC 52 "set clipboard" for the terminal the user sits at, through SSH. Inside tmux the plain sequence works
 * with `set-clipboard on`; the DCS-wrapped copy also reaches the outer terminal with `allow-passthrough on`.
 */
export function osc52(text: string, options: { readonly tmux: boolean }): string {
  const payload = Buffer.from(text, "utf8").toString("base64");
  const plain = `\x1b]52;c;${payload}\x07`;
  if (!options.tmux) return plain;
  return `${plain}\x1bPtmux;${plain.replaceAll("\x1b", "\x1b\x1b")}\x1b\\`;
}
