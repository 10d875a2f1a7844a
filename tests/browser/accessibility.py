"""The accessibility checks the browser tests run on a page (WCAG 2.1 A and AA).

- ``axe_violations(page)``: axe-core's serious and critical violations of the WCAG 2.1 A/AA
  rules. axe-core comes from the PyPI package axe-playwright-python (its axe.min.js, installed by
  ``make install`` from uv.lock; nothing is fetched at run time) and is injected with
  ``page.evaluate``, which a Content-Security-Policy does not block.
- ``keyboard_walk(page)``: presses Tab from the top of the page and tells which form fields and
  buttons of ``main`` were never reached, reached out of reading order, or reached without a
  visible focus indicator.
"""

from __future__ import annotations

import itertools

from axe_playwright_python.base import AXE_SCRIPT

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}

_RUN_AXE = """async ([context, options]) => {
  const results = await axe.run(context || document, options);
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => [n.target.join(" "), n.failureSummary || ""]),
  }));
}"""


def axe_violations(page, *, context: str | None = None, rules: list[str] | None = None):
    """The serious and critical violations on the page (or inside ``context``, a selector), as
    ``[(rule, impact, help, [(target, summary), ...]), ...]``; an empty list when there are none."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    options = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    else:
        options["runOnly"] = {"type": "tag", "values": WCAG_TAGS}
    violations = page.evaluate(_RUN_AXE, [context, options])
    return [
        (v["id"], v["impact"], v["help"], [tuple(node) for node in v["nodes"]])
        for v in violations
        if v["impact"] in FAILING_IMPACTS
    ]


# Marks, in reading (DOM) order, the fields and buttons of main's forms that a keyboard user must
# reach: visible, enabled, not taken out of the tab order; one per radio group (Tab enters a group
# once, the arrow keys move inside it).
_MARK_EXPECTED = """() => {
  const seenRadioGroups = new Set();
  const expected = [];
  const candidates = document.querySelectorAll(
    "main input, main select, main textarea, main button, main summary");
  for (const el of candidates) {
    const inForm = el.form || el.closest("form");
    if (!inForm || el.type === "hidden" || el.disabled || el.tabIndex < 0) continue;
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    if (el.closest("details:not([open]) > :not(summary)")) continue;
    if (el.closest("[aria-hidden=true], [inert]")) continue;
    if (el.type === "radio") {
      const key = (el.form ? el.form.id || "" : "") + "/" + el.name;
      if (seenRadioGroups.has(key)) continue;
      seenRadioGroups.add(key);
      const group = [...document.getElementsByName(el.name)].filter(r => r.form === el.form);
      const checked = group.find(r => r.checked);
      mark(checked || el);
      continue;
    }
    mark(el);
  }
  function mark(el) {
    el.dataset.a11yWalk = expected.length;
    const label = el.labels && el.labels.length ? el.labels[0].textContent
      : (el.getAttribute("aria-label") || el.textContent || el.value || "");
    expected.push(el.tagName.toLowerCase() + (el.name ? "[name=" + el.name + "]" : "") + " "
      + label.trim().replace(/\\s+/g, " ").slice(0, 40));
  }
  return expected;
}"""

# What has the focus now: its walk index (or null), whether the focus is visible (an outline or
# a box-shadow drawn around it), and an identity to notice when Tab has gone round.
_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== "none";
  if (!el.dataset.a11yId) el.dataset.a11yId = String(Math.random());
  return {
    index: el.dataset.a11yWalk === undefined ? null : Number(el.dataset.a11yWalk),
    visible: outline || shadow,
    id: el.dataset.a11yId,
  };
}"""


def keyboard_walk(page, *, max_presses: int = 400) -> dict[str, list[str]]:
    """Tab through the whole page from its top. Returns the problems as
    ``{"unreached": [...], "out_of_order": [...], "focus_not_visible": [...]}`` (each a list of
    descriptions of fields and buttons; all three empty when the walk is fine)."""
    expected = page.evaluate(_MARK_EXPECTED)
    # From the top: the caller has just loaded the page; a field with autofocus has the focus.
    reached: list[int] = []
    not_visible: list[str] = []
    seen: set[str] = set()
    focused = page.evaluate(_FOCUSED)
    if focused is None:
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
    for _ in range(max_presses):
        if focused is None or focused["id"] in seen:
            break  # back to the browser's own controls, or round to the start
        seen.add(focused["id"])
        if focused["index"] is not None:
            reached.append(focused["index"])
            if not focused["visible"]:
                not_visible.append(expected[focused["index"]])
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
    in_order = [index for index in reached if index is not None]
    return {
        "unreached": [e for i, e in enumerate(expected) if i not in in_order],
        "out_of_order": [expected[b] for a, b in itertools.pairwise(in_order) if b < a],
        "focus_not_visible": not_visible,
    }


# The contrast of a disabled control, from its computed colours (axe leaves disabled controls out:
# WCAG exempts them, the theme still keeps them readable).
_DISABLED_CONTRAST = """(selector) => {
  const luminance = (rgb) => {
    const [r, g, b] = rgb.match(/[\\d.]+/g).slice(0, 3).map(Number).map(v => v / 255)
      .map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const results = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!el.checkVisibility()) continue;
    const wasDisabled = el.disabled;
    el.disabled = true;
    const style = getComputedStyle(el);
    results.push([el.textContent.trim().replace(/\\s+/g, " ").slice(0, 40),
                  Math.round(ratio(style.color, style.backgroundColor) * 100) / 100,
                  style.opacity]);
    el.disabled = wasDisabled;
  }
  return results;
}"""


def state_contrast_problems(page, selector: str) -> list[str]:
    """Hover, then keyboard-focus, each visible element matching ``selector`` and let axe check
    its text contrast in that state; then disable each button and check the disabled colours.
    Returns the problems (an empty list when every state reaches 4.5:1)."""
    problems = []
    page.emulate_media(reduced_motion="reduce")  # no colour transitions: the final state at once
    page.keyboard.press("Tab")  # keyboard modality, so that .focus() shows :focus-visible
    count = page.locator(selector).count()
    for index in range(count):
        element = page.locator(selector).nth(index)
        if not element.is_visible():
            continue
        marker = f"state-{index}"
        element.evaluate("(el, marker) => el.setAttribute('data-a11y-state', marker)", marker)
        context = f"[data-a11y-state='{marker}']"
        element.hover()
        for _rule, _impact, _help, nodes in axe_violations(
            page, context=context, rules=["color-contrast"]
        ):
            problems += [f"hover {target}: {summary}" for target, summary in nodes]
        element.evaluate("el => el.focus()")
        for _rule, _impact, _help, nodes in axe_violations(
            page, context=context, rules=["color-contrast"]
        ):
            problems += [f"focus {target}: {summary}" for target, summary in nodes]
        page.mouse.move(0, 0)
    for text, ratio, opacity in page.evaluate(_DISABLED_CONTRAST, "button.btn, .btn[type=submit]"):
        if ratio < 4.5 or opacity != "1":
            problems.append(f"disabled {text!r}: contrast {ratio}, opacity {opacity}")
    return problems
