// Runs before anything else on the page: records every error, rejected promise, blocked
// request (the page's Content-Security-Policy allows none) and console.error call, so that
// the page itself can say whether it rendered cleanly (body[data-errors], read by the tests).
(function () {
  "use strict";
  const errors = [];
  window.sweepErrors = errors;
  window.addEventListener("error", (e) => errors.push("error: " + (e.message || e.type)));
  window.addEventListener("unhandledrejection", (e) =>
    errors.push("unhandled rejection: " + String(e.reason)));
  window.addEventListener("securitypolicyviolation", (e) =>
    errors.push("blocked: " + e.violatedDirective + " " + e.blockedURI));
  const consoleError = console.error;
  console.error = function (...args) {
    errors.push("console.error: " + args.map(String).join(" "));
    consoleError.apply(console, args);
  };
})();
