// Text from the cluster or an operator (names, status messages) is printed to a terminal: control
// characters in it could move the cursor, retitle the window or hide rows. They are shown escaped
// (ESC as \x1b) instead, so the output is what the object holds, visibly.

// C0 controls, DEL and C1 controls (U+0080–U+009F; U+009B is a one-character CSI on some terminals).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export function printable(text: string): string {
  return text.replace(CONTROL, c => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}
