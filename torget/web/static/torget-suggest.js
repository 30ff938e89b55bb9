/* Torget: suggestions while typing in a search box (WAI-ARIA 1.2 combobox with a listbox).
   Progressive enhancement: without this file the box is a plain search field and its form
   submits as before. Each input marked data-suggest gets role=combobox; the suggestions come
   from GET /api/search/suggest. Keys: Down/Up move through the suggestions (the focus stays
   in the box, aria-activedescendant names the option), Enter opens the chosen dataset or,
   with none chosen, submits the search, Escape closes the list (a second Escape clears the
   box), Tab leaves it. A polite live region says how many suggestions there are. */
(function () {
  "use strict";

  function enhance(input) {
    var listId = input.id + "-suggestions";
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "suggest-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.getAttribute("data-suggest-label"));
    list.hidden = true;
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    var holder = input.parentNode;
    holder.classList.add("suggest");
    holder.appendChild(list);
    holder.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    var active = -1, timer = null, asked = "", options = [];

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function choose(index) {
      options.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function show(found) {
      list.textContent = "";
      options = found.map(function (s, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.setAttribute("data-url", s.url);
        li.textContent = document.documentElement.lang === "en" ? s.title.en : s.title.sv;
        li.addEventListener("mousedown", function (event) { event.preventDefault(); });
        li.addEventListener("click", function () { window.location.assign(s.url); });
        list.appendChild(li);
        return li;
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      var none = options.length === 0;
      list.hidden = none;
      input.setAttribute("aria-expanded", none ? "false" : "true");
      status.textContent = none ? input.getAttribute("data-suggest-none")
        : input.getAttribute("data-suggest-some").replace("{n}", String(options.length));
    }

    function ask() {
      var text = input.value.trim();
      if (text === asked) { return; }
      asked = text;
      if (text.length < 2) { show([]); status.textContent = ""; return; }
      var url = input.getAttribute("data-suggest") + "&q=" + encodeURIComponent(text);
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (body) { if (asked === text) { show(body.suggestions); } })
        .catch(function () { close(); });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 150);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && options.length > 0;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!open) {
          if (options.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
          else { asked = ""; ask(); }
          event.preventDefault();
          return;
        }
        var step = event.key === "ArrowDown" ? 1 : -1;
        var next = active + step;
        if (next >= options.length) { next = 0; }
        if (next < 0) { next = options.length - 1; }
        choose(next);
        event.preventDefault();
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        window.location.assign(options[active].getAttribute("data-url"));
      } else if (event.key === "Escape") {
        if (open) { close(); } else { input.value = ""; asked = ""; }
        event.preventDefault();
      }
    });
    input.addEventListener("blur", function () { close(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-suggest]").forEach(enhance);
  });
})();
