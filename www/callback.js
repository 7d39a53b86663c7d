// callback.html: the OAuth redirect lands here. The code goes to the main page through
// sessionStorage, never through a URL, and this page's own URL is cleaned at once.

import { acceptRedirect } from "./session.js";

const query = location.search;
history.replaceState(null, "", location.pathname);

const problem = acceptRedirect(query);
if (problem) {
  document.getElementById("callback-status").textContent = problem;
} else {
  location.replace("./");
}
