/* The reset page has read its token (it is in the form): take it out of the address
   bar and the history, so it is not left behind on a shared computer
   (docs/password-reset.md). */
(function () {
  "use strict";
  if (window.location.search.indexOf("token=") !== -1 && window.history.replaceState) {
    window.history.replaceState(null, "", window.location.pathname);
  }
}());
