// Request validation and per-operation facts (scopes, rate-limit label), all read from
// Zoom's own OpenAPI description so the simulator refuses what Zoom's contract refuses.

import { readFileSync } from "node:fs";
import Ajv from "ajv";
import addFormats from "ajv-formats";

const DOCUMENT_ID = "zoom-meetings";
const documentUrl = new URL("../meetings-openapi.json", import.meta.url);

/** The four operations the simulator serves, by their `operationId` in the description. */
export const OPERATIONS = {
  create: { path: "/users/{userId}/meetings", method: "post" },
  get: { path: "/meetings/{meetingId}", method: "get" },
  update: { path: "/meetings/{meetingId}", method: "patch" },
  delete: { path: "/meetings/{meetingId}", method: "delete" },
};

let cached;

/** Loads and compiles once per process: ajv compilation is the slow part of a start. */
export function loadSchemas() {
  cached ??= compile(JSON.parse(readFileSync(documentUrl, "utf8")));
  return cached;
}

function compile(document) {
  applyCorrections(document);

  // Zoom's description carries OpenAPI-isms (`example`, `x-ballerina-name`,
  // `x-enum-descriptions`, `deprecated`) that strict mode rejects as unknown keywords.
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv, ["email", "int64", "int32"]);
  // Zoom takes `start_time` either in UTC with `Z` or as local wall-clock time without an
  // offset (read in `timezone`); RFC 3339's date-time requires the offset.
  ajv.addFormat("date-time", addFormats.get("iso-date-time"));
  ajv.addSchema(document, DOCUMENT_ID);

  const operations = {};
  for (const [name, { path, method }] of Object.entries(OPERATIONS)) {
    const operation = document.paths[path][method];
    const bodyRef = operation.requestBody?.content?.["application/json"]?.schema?.$ref;
    operations[name] = {
      validateBody: bodyRef ? ajv.getSchema(`${DOCUMENT_ID}${bodyRef}`) : null,
      acceptedScopes: operation.security?.flatMap((entry) => entry.openapi_oauth ?? []) ?? [],
      rateLimitCategory: rateLimitLabel(operation.description),
    };
    operations[name].missingScopeName = granularScope(operations[name].acceptedScopes);
  }
  return operations;
}

/**
 * Where Zoom's servers accept more than its description says, the description is widened
 * here, in code, so the copied JSON file stays exactly Zoom's.
 */
function applyCorrections(document) {
  for (const schema of Object.values(document.components.schemas)) {
    const weeklyDays = schema.properties?.weekly_days;
    // The enum lists single days, but the field's own text (and Zoom) take "2,4".
    if (weeklyDays?.enum) {
      delete weeklyDays.enum;
      delete weeklyDays.default;
      weeklyDays.pattern = "^[1-7](,[1-7])*$";
    }
  }
}

function rateLimitLabel(description = "") {
  const label = /Rate Limit Label[^`]*`(\w+)`/.exec(description)?.[1] ?? "LIGHT";
  return label.charAt(0) + label.slice(1).toLowerCase();
}

/** The scope Zoom names when a token lacks one: the granular, non-admin one. */
function granularScope(scopes) {
  return (
    scopes.find((scope) => scope.split(":").length === 3 && !scope.endsWith(":admin")) ??
    scopes[0] ??
    ""
  );
}

// A body of a million bad items must not become a million-line answer.
const MAX_FIELD_ERRORS = 50;

/** Turns ajv's errors into Zoom's `errors: [{field, message}]`, one per field and problem. */
export function fieldErrors(ajvErrors) {
  const byMessage = new Map();
  for (const error of ajvErrors ?? []) {
    if (byMessage.size >= MAX_FIELD_ERRORS) break;
    const path = error.instancePath.slice(1).replaceAll("/", ".");
    const field =
      error.keyword === "required"
        ? [path, error.params.missingProperty].filter(Boolean).join(".")
        : path || "body";
    const message = `${field} ${describe(error)}`;
    byMessage.set(message, { field, message });
  }
  return [...byMessage.values()];
}

function describe(error) {
  switch (error.keyword) {
    case "required":
      return "is required";
    case "enum":
      return `must be one of: ${error.params.allowedValues.join(", ")}`;
    default:
      return error.message;
  }
}
