/* Torget: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  // Bring a form's error summary into view and focus, so screen readers read it first.
  function focusErrorSummary() {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  }

  // A click in the error summary moves focus to the field, not only the scroll position.
  function linkErrorsToFields() {
    document.querySelectorAll(".error-summary a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var target = document.getElementById(link.getAttribute("href").slice(1));
        if (target) { event.preventDefault(); target.focus(); target.scrollIntoView({ block: "center" }); }
      });
    });
  }

  // Ask before a destructive action (forms marked data-confirm).
  function confirmDangerousForms() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
  }

  // A copy button beside each code example.
  function addCopyButtons() {
    if (!navigator.clipboard) { return; }
    document.querySelectorAll("pre[data-copy-label]").forEach(function (pre) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button-secondary";
      button.textContent = pre.getAttribute("data-copy-label");
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(pre.innerText).then(function () {
          button.textContent = pre.getAttribute("data-copied-label");
        });
      });
      pre.insertAdjacentElement("afterend", button);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    linkErrorsToFields();
    confirmDangerousForms();
    addCopyButtons();
  });
})();
