// After a failed submit the focus goes to the error summary (includes/error_summary.html), or to
// the error message when there is no summary, so that a screen reader reads what went wrong first
// and a keyboard user continues from there. Its links work without this script.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
})();
