// Builds the screens into dist/ (served by `kakuin serve`): index.html (customer screens at /
// on the https and mtls listeners) and bank.html (back office at /bank/ on the bank listener).
// Asset URLs are relative (base "./"), so dist/ works under either path. No inline scripts or
// styles: the server's CSP is default-src 'self'.
import { defineConfig } from "vite";

export default defineConfig({
  base: "./",
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    rollupOptions: { input: { main: "index.html", bank: "bank.html" } },
  },
});
