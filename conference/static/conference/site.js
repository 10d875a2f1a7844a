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
