// The Copy button of a value shown once (API keys): hidden without JavaScript, where
// the value stays selectable text. A file, not inline: the CSP allows scripts from 'self' only.
(function () {
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        button.textContent = "Copied";
      });
    });
  });
})();
