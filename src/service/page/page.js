// The learner page's script: opens the session from the link's fragment, then sends the Check forms in the
// background and swaps in the answer's <main>, announcing the result. Without it the page works as plain forms.
(() => {
  "use strict";
  const status = document.getElementById("status");
  const header = { "x-labcheck-page": "1" };

  // The token arrives in the fragment (never sent to a server); it is traded for a cookie and dropped from the URL.
  const token = new URLSearchParams(location.hash.slice(1)).get("token");
  if (token) {
    history.replaceState(null, "", location.pathname);
    const open = document.getElementById("open-form");
    if (open) {
      fetch(open.action, { method: "POST", headers: header, body: new URLSearchParams({ token }), credentials: "same-origin" })
        .then((answer) => (answer.ok ? location.replace(location.pathname) : answer.text().then(swap)))
        .catch(() => {});
    }
  }

  function swap(html) {
    const next = new DOMParser().parseFromString(html, "text/html").getElementById("learn");
    const main = document.getElementById("learn");
    if (!next || !main) return;
    main.replaceWith(next);
    status.textContent = next.dataset.announce || "";
  }

  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!form.matches("form.check")) return;
    event.preventDefault();
    const main = document.getElementById("learn");
    const scope = form.dataset.for === "lab" ? main : form.closest("section");
    scope.querySelectorAll("li.check").forEach((item) => item.classList.add("checking"));
    main.setAttribute("aria-busy", "true");
    status.textContent = form.dataset.checking;
    try {
      const answer = await fetch(form.action, {
        method: "POST",
        headers: header,
        body: new URLSearchParams(new FormData(form)),
        credentials: "same-origin",
      });
      swap(await answer.text());
      const again = document.querySelector(`form.check[data-for="${CSS.escape(form.dataset.for)}"] button`);
      if (again) again.focus();
    } catch (_) {
      main.removeAttribute("aria-busy");
      scope.querySelectorAll("li.check").forEach((item) => item.classList.remove("checking"));
      status.textContent = main.dataset.offline;
    }
  });
})();
