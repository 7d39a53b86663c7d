// What the .wasm is made of: twiggy's per-item sizes, summed by crate and by a few families
// worth knowing about (float formatting, the allocator, serde_json). Needs `twiggy` on PATH
// (cargo install twiggy) and a .wasm that keeps its names:
//   bash bench/profile-build.sh && node bench/size-report.js [FILE] [--json]
// With LTO, generic code is inlined where it is used, so a crate's figure is what carries its
// symbol's name, not all the code it brought: the flow's state machine, for one, is mostly
// filed under the closure in `steps::start` that holds it.
import { execFileSync } from "node:child_process";

const DEFAULT_FILE = new URL("./.profile-pkg/zoom_gateway_bg.wasm", import.meta.url).pathname;
const TOP_ITEMS = 25;

const FAMILIES = [
  ["float formatting (core::fmt for f64, flt2dec)", /flt2dec|float_to_decimal|<f64 as core\S*::fmt|fmt::float/],
  ["integer and other core::fmt machinery", /core\S*::fmt::|<&?(mut )?\S+ as core\S*::fmt::(Debug|Display)>/],
  ["panic and bounds-check messages", /panic|slice_error_fail|index_out_of_bounds|str_index_overflow|unwrap_failed|expect_failed/],
  ["allocator", /dlmalloc|talc|__rdl_|__rust_alloc|__rust_dealloc|__rust_realloc/],
  ["JSON crates (serde_json, miniserde)", /serde_json|miniserde/],
  ["BTreeMap (JSON objects)", /btree/],
  ["async plumbing (js_sys futures, closures)", /js_sys::futures|wasm_bindgen::closure|convert::closures|JsFuture/],
];

/** The crate an item's name belongs to, as well as a demangled Rust name can tell. */
function crateOf(name) {
  if (name.startsWith("data segment")) return "(data segments: strings, tables)";
  if (/subsection|custom section/.test(name)) return "(names and custom sections)";
  if (/^(code|type|table|elem|import|export|global|memory|func)\[|^import |^export |^wasm magic|^section headers/.test(name)) {
    return "(wasm structure: types, imports, exports, tables)";
  }
  if (/^__wbg_|^__wbindgen|^__externref|^js-to-wasm|^wasm-to-js|wasm_bindgen| shim$/.test(name)) return "wasm_bindgen";
  if (/^__rustc|^__rdl_|^__rust_/.test(name)) return "std (allocator shims)";
  if (/^(memcmp|memcpy|memmove|memset|__multi3|fmax|fmin)$/.test(name)) return "compiler_builtins";
  // `<Type as Trait>::f`: the type's crate when it has a path, else the trait's.
  const impl = /^<+(?:&(?:mut )?)?(?:dyn )?([^<>]*?)(?:<[^]*?>)? as ([^<>]*?)(?:<[^]*?>)?>/.exec(name);
  const bare = name.replace(/^<+(?:&(?:mut )?)?(?:dyn )?/, "");
  const path = impl ? (impl[1].includes("::") ? impl[1] : impl[2]) : bare;
  const crate = path.split("::")[0].replace(/\[[0-9a-f]+\]$/, "");
  return /^[a-z_][a-z0-9_]*$/.test(crate) ? crate : "(other)";
}

function report(file) {
  const items = JSON.parse(execFileSync("twiggy", ["top", "-n", "1000000", "-f", "json", file], { maxBuffer: 64 << 20 }));
  const total = items.reduce((sum, item) => sum + item.shallow_size, 0);
  const names = items.filter((item) => crateOf(item.name) === "(names and custom sections)");
  const namesBytes = names.reduce((sum, item) => sum + item.shallow_size, 0);
  // The name section is only in this copy; pkg/ strips it. Percentages are of what ships.
  const shipped = total - namesBytes;
  const share = (bytes) => Number(((100 * bytes) / shipped).toFixed(1));

  const byCrate = new Map();
  for (const item of items) {
    const crate = crateOf(item.name);
    if (crate === "(names and custom sections)") continue;
    byCrate.set(crate, (byCrate.get(crate) ?? 0) + item.shallow_size);
  }
  const families = FAMILIES.map(([family, pattern]) => {
    const bytes = items.filter((item) => pattern.test(item.name)).reduce((sum, item) => sum + item.shallow_size, 0);
    return { family, bytes, percent: share(bytes) };
  });
  return {
    file,
    bytesWithNames: total,
    bytesShipped: shipped,
    crates: [...byCrate.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([crate, bytes]) => ({ crate, bytes, percent: share(bytes) })),
    families,
    items: items
      .filter((item) => crateOf(item.name) !== "(names and custom sections)")
      .slice(0, TOP_ITEMS)
      .map((item) => ({ name: item.name, bytes: item.shallow_size, percent: share(item.shallow_size) })),
  };
}

function print(result) {
  const row = (bytes, percent, name) => `  ${String(bytes).padStart(7)}  ${String(percent).padStart(5)}%  ${name}`;
  console.log(`${result.file}: ${result.bytesShipped} bytes without names (${result.bytesWithNames} with)`);
  console.log("\nBy crate (the symbol's crate; see the note at the top of this script)");
  for (const { crate, bytes, percent } of result.crates) console.log(row(bytes, percent, crate));
  console.log("\nFamilies (overlapping; a function can be in more than one)");
  for (const { family, bytes, percent } of result.families) console.log(row(bytes, percent, family));
  console.log(`\nTop ${TOP_ITEMS} items`);
  for (const { name, bytes, percent } of result.items) console.log(row(bytes, percent, name.slice(0, 140)));
}

const args = process.argv.slice(2);
const result = report(args.find((arg) => !arg.startsWith("--")) ?? DEFAULT_FILE);
if (args.includes("--json")) console.log(JSON.stringify(result));
else print(result);
