// In the Node-RED editor: the text of an error an admin route of this package answered
// (`{ok: false, code, message}`), for the dialogs and the Koppeling sidebar. The route's message
// is always English, whatever the runtime's language (src/nodes/admin.ts never translates it);
// when the editor shows this package in another language than English, the code's reason and
// what to do come first, from the Koppeling sidebar's message catalogue in the editor's language
// (the same texts msg.error.message gets in a Dutch runtime, src/nodes/error-language.ts), and
// the route's message follows in brackets.
/* global RED, window */
(function () {
  "use strict";
  if (window.ccvSnelstartErrorText) return;
  var NS = "@open-koppeling/node-red-ccv-snelstart/koppeling-sidebar:";
  /** SnelStart's own message codes (SNELSTART_BOE_0058) share one entry of the catalogue. */
  var FAMILY = /^SNELSTART_[A-Z]{3}_\d{4}$/;

  function text(key) {
    var v = RED._(NS + key);
    return v === NS + key || v === key ? null : v;
  }

  window.ccvSnelstartErrorText = function (answer) {
    var code = (answer && answer.code) || "";
    var message = (answer && answer.message) || "";
    var locale = text("sidebar.locale");
    if (!code || !locale || /^en\b/i.test(locale)) return code ? code + ": " + message : message;
    var entry = text("codes." + code + ".reason") ? code : FAMILY.test(code) ? "SNELSTART_MESSAGE" : null;
    var reason = entry && text("codes." + entry + ".reason");
    var action = entry && text("codes." + entry + ".action");
    return reason ? code + ": " + reason + (action ? " " + action : "") + (message ? " (" + message + ")" : "") : code + ": " + message;
  };
})();
