/* Small behaviours for every page, declared with data attributes so that no page needs
   an inline script (the Content-Security-Policy allows scripts from our own files only).

   data-autosubmit           on a <select>: submit its form when the choice changes
   data-select-on-focus      on an <input>: select the text when focused or clicked
   data-confirm="…"          on a <form>: ask before submitting
   data-print                on a <button>: print the page
   data-show-if="id=value"   on any element: shown only while #id has that value
   .subnav                   a sub-menu that scrolls sideways (narrow screens): its
                             current page (aria-current) is scrolled into view
*/
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) el.form.submit();
  });
  function selectText(event) {
    var el = event.target;
    if (el.matches && el.matches("[data-select-on-focus]") && el.select) el.select();
  }
  document.addEventListener("focusin", selectText);
  document.addEventListener("click", function (event) {
    selectText(event);
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) window.print();
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
  function syncShowIf() {
    document.querySelectorAll("[data-show-if]").forEach(function (el) {
      var parts = el.getAttribute("data-show-if").split("=");
      var source = document.getElementById(parts[0]);
      if (source) el.hidden = source.value !== parts.slice(1).join("=");
    });
  }
  document.addEventListener("change", syncShowIf);
  function revealCurrentInSubnav() {
    document.querySelectorAll(".subnav [aria-current]").forEach(function (link) {
      var nav = link.closest(".subnav");
      if (!nav || nav.scrollWidth <= nav.clientWidth) return;
      var box = nav.getBoundingClientRect();
      var item = link.getBoundingClientRect();
      if (item.left >= box.left && item.right <= box.right) return;
      // Centre it by scrolling the row only (never the page).
      nav.scrollLeft += item.left - box.left - (box.width - item.width) / 2;
    });
  }
  function ready() {
    syncShowIf();
    revealCurrentInSubnav();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
