// Cloudflare Workers (workerd): the .wasm arrives as a compiled WebAssembly.Module through
// the import, since workerd refuses to compile bytes at run time. Once per isolate.
import module from "./zoom_gateway_bg.wasm";
import { initSync } from "./zoom_gateway.js";
import { makeHandle } from "./handle.js";

initSync({ module });

export const handle = makeHandle(() => undefined);

export { authorizeUrl, codeChallenge } from "./authorize.js";
