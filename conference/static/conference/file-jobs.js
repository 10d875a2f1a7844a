// The pages of files prepared in the background (templates/conference/filejob_*.html): while a
// job is waiting or running, the region marked data-refresh is read again from the server every
// two seconds and its content replaced, until the server sends it without data-refresh (ready
// or failed). Without this script the page says so and has a link that reloads it.
(() => {
  const DELAY = 2000;
  const refresh = async () => {
    const region = document.querySelector("[data-refresh]");
    if (!region) return;
    try {
      const response = await fetch(window.location.href, {
        credentials: "same-origin",
        cache: "no-store",
      });
      if (response.ok) {
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        const fresh = page.getElementById(region.id);
        if (fresh) {
          region.innerHTML = fresh.innerHTML;
          if (!fresh.hasAttribute("data-refresh")) region.removeAttribute("data-refresh");
        }
      }
    } catch (error) {
      // The network failed for a moment: the next round tries again.
    }
    if (document.querySelector("[data-refresh]")) window.setTimeout(refresh, DELAY);
  };
  document.querySelectorAll("[data-refresh-hint]").forEach((hint) => {
    hint.hidden = true; // the page refreshes itself: no need to say how to reload it
  });
  if (document.querySelector("[data-refresh]")) window.setTimeout(refresh, DELAY);
})();
