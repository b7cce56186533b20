// A self-contained HTML page (inline CSS and JS, no external URL of any kind) and the
// Content-Security-Policy that allows exactly that inline code, by hash, and requests to its own
// origin only. Shared by the operator's dashboard and the lease service's.
import { createHash } from "node:crypto";

function sha256(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

export interface SelfContainedPage {
  html: string;
  csp: string;
}

export function selfContainedPage(opts: {
  title: string;
  css: string;
  js: string;
  body: string;
}): SelfContainedPage {
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title}</title>
<link rel="icon" href="data:,">
<style>${opts.css}</style>
</head>
<body>${opts.body}
<script>${opts.js}</script>
</body>
</html>
`;
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(opts.js)}`,
    `style-src ${sha256(opts.css)}`,
    "connect-src 'self'",
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
  return { html, csp };
}
