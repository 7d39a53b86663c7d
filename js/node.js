// Node 20+: the module is read from beside this file and compiled at import, no set-up.
import { readFileSync } from "node:fs";
import { initSync } from "./zoom_gateway.js";
import { makeHandle } from "./handle.js";

const exports = initSync({
  module: readFileSync(new URL("./zoom_gateway_bg.wasm", import.meta.url)),
});

export const handle = makeHandle(() => undefined);

/** Bytes of linear memory the module holds now: for watching memory in long-running processes. */
export function wasmMemoryBytes() {
  return exports.memory.buffer.byteLength;
}

export { authorizeUrl, codeChallenge } from "./authorize.js";
