/*
 * Accessible names for the admin widgets that Django leaves without one (WCAG 2.1 AA, issue 14).
 *
 * - Fields in tables (inline formsets, editable change lists) are named by their column header,
 *   followed by the row's title where the row has one.
 * - The two halves of the split date-time widget are named by the field's label and "date"/"time".
 * - select2 autocomplete boxes are named by their field's label (select2 4.0 names them only by
 *   the current choice, which is empty on a new object).
 *
 * One script for every admin page (loaded by templates/admin/base_site.html), re-run when the
 * page adds rows or widgets; the accessibility audit in tests/browser guards it.
 */
(function () {
  "use strict";

  function clean(text) {
    return (text || "").replace(/\s+/g, " ").trim().replace(/[:?]$/, "").trim();
  }

  function hasName(el) {
    if (el.getAttribute("aria-label") || el.getAttribute("aria-labelledby") || el.title) {
      return true;
    }
    if (el.closest("label")) {
      return true;
    }
    return Boolean(el.id && document.querySelector('label[for="' + CSS.escape(el.id) + '"]'));
  }

  function columnHeader(cell) {
    var table = cell.closest("table");
    if (!table || !table.tHead) {
      return "";
    }
    var field = Array.prototype.find.call(cell.classList, function (c) {
      return c.indexOf("field-") === 0;
    });
    if (field) {
      var th = table.tHead.querySelector("th.column-" + CSS.escape(field.slice(6)));
      if (th) {
        return clean(th.textContent);
      }
    }
    // Otherwise the header in the same position (the "delete" column, among others).
    var headers = table.tHead.rows[0] ? table.tHead.rows[0].cells : [];
    var cells = cell.parentElement.cells;
    var position = Array.prototype.indexOf.call(cells, cell);
    var offset = cells.length - headers.length;
    var header = headers[position - Math.max(offset, 0)];
    return header ? clean(header.textContent) : "";
  }

  function rowTitle(cell) {
    var title = cell.parentElement.querySelector("th");
    return title && title !== cell ? clean(title.textContent) : "";
  }

  function nameTableFields(root) {
    root.querySelectorAll("td input, td select, td textarea").forEach(function (el) {
      if (el.type === "hidden" || hasName(el)) {
        return;
      }
      var cell = el.closest("td");
      var name = columnHeader(cell);
      var row = rowTitle(cell);
      if (name) {
        el.setAttribute("aria-label", row ? name + " — " + row : name);
      }
    });
  }

  function fieldLabel(el) {
    var row = el.closest(".form-row, .fieldBox, .flex-container");
    var label = row && row.querySelector("label");
    return label ? clean(label.textContent) : "";
  }

  function nameSplitDateTimes(root) {
    root.querySelectorAll("p.datetime input").forEach(function (el) {
      if (el.type === "hidden" || el.getAttribute("aria-label")) {
        return;
      }
      // The text just before the input: "Date:" / "Time:" in the page's language.
      var node = el.previousSibling;
      while (node && node.nodeType !== Node.TEXT_NODE) {
        node = node.previousSibling;
      }
      var part = clean(node && node.textContent);
      var label = fieldLabel(el.closest("p.datetime"));
      el.setAttribute("aria-label", label && part ? label + " — " + part : label || part);
    });
  }

  function nameAutocompletes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var box = select.nextElementSibling;
      var combobox = box && box.querySelector(".select2-selection[role=combobox]");
      if (!combobox || combobox.dataset.named) {
        return;
      }
      var label = select.id && document.querySelector('label[for="' + CSS.escape(select.id) + '"]');
      var rendered = combobox.querySelector(".select2-selection__rendered");
      if (rendered) {
        // Only the text of the current choice: the name comes from the combobox.
        rendered.removeAttribute("role");
        rendered.removeAttribute("aria-readonly");
      }
      if (label) {
        label.id = label.id || select.id + "-label";
        combobox.setAttribute(
          "aria-labelledby", label.id + (rendered && rendered.id ? " " + rendered.id : "")
        );
      } else {
        var name = select.closest("td") ? columnHeader(select.closest("td")) : fieldLabel(select);
        combobox.removeAttribute("aria-labelledby");
        combobox.setAttribute("aria-label", name);
      }
      combobox.dataset.named = "1";
    });
  }

  function run() {
    var root = document.getElementById("content") || document.body;
    nameTableFields(root);
    nameSplitDateTimes(root);
    nameAutocompletes(root);
  }

  document.addEventListener("DOMContentLoaded", function () {
    run();
    new MutationObserver(run).observe(document.body, { childList: true, subtree: true });
  });
})();
