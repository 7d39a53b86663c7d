// Browsers and bundlers: the .wasm is fetched beside this file on the first call.
import init from "./zoom_gateway.js";
import { makeHandle } from "./handle.js";

let loading;

export const handle = makeHandle(() => (loading ??= init()));

export { authorizeUrl, codeChallenge } from "./authorize.js";
