// After a search the page reloads at the top: move focus (and a screen reader) to the results.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var heading = document.getElementById("results-heading");
  if (heading && new URLSearchParams(window.location.search).get("q")) {
    heading.focus();
  }
});
