// An in-process `fetch` that answers at once with a real `Response`, so that what is measured
// is the caller's own work: building the request, reading the answer, and nothing of a network.

export const STUB_API_BASE = "http://zoom.invalid/v2";

const JSON_HEADERS = [["content-type", "application/json;charset=UTF-8"]];

/**
 * A `fetch` that answers GET /meetings/{id} with `meetingText` and POST .../meetings with
 * `createdText`. It accepts `(url, init)` as well as the `Request` that axios passes.
 */
export function stubFetch({ meetingText, createdText = meetingText }) {
  return async function fetch(input, init) {
    const method = (init?.method ?? input?.method ?? "GET").toUpperCase();
    if (method === "POST") {
      return new Response(createdText, { status: 201, headers: JSON_HEADERS });
    }
    return new Response(meetingText, { status: 200, headers: JSON_HEADERS });
  };
}
