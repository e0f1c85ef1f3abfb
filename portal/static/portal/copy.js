// "복사" buttons next to citations: copy the text, say so for screen readers too (the
// button's data-done holds "복사됨" in the reader's language).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) return;
  var field = document.getElementById(button.getAttribute("data-copy"));
  if (!field) return;
  field.select();
  var done = function () {
    button.textContent = button.getAttribute("data-done") || "복사됨";
    button.setAttribute("aria-live", "polite");
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); });
  } else {
    document.execCommand("copy");
    done();
  }
});
