// Small behaviours of the site's pages, without inline scripts (the Content-Security-Policy
// allows scripts from the site's own files only).

// A "select all" checkbox: data-select-all holds the selector of the boxes it ticks.
document.addEventListener("change", (event) => {
  const box = event.target.closest("[data-select-all]");
  if (!box) return;
  document.querySelectorAll(box.dataset.selectAll).forEach((other) => {
    other.checked = box.checked;
  });
});

// After a failed submit the focus goes to the error summary (includes/error_summary.html), or to
// the error message when there is no summary, so that a screen reader reads what went wrong first
// and a keyboard user continues from there. Its links work without this script.
(() => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
})();

// The registration form: under the province select, whether the chosen province still has seats
// (the server writes the same sentence in each option's data-seats-hint, and in the options'
// labels, so that the form says it without this script too).
document.addEventListener("change", (event) => {
  const select = event.target.closest("[data-seats-select]");
  if (!select) return;
  const hint = document.querySelector("[data-seats-hint]:not(option)");
  if (!hint) return;
  const option = select.options[select.selectedIndex];
  hint.textContent = (option && option.dataset.seatsHint) || "";
});
