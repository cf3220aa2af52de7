// In the Node-RED editor: brings every node of this package to the current version of its
// settings as it is added to the workspace (a flow loaded, imported or pasted), with the same
// migrations the runtime runs (src/nodes/config-version.ts, wrapped by the build above this
// code as window.ccvSnelstartConfig). What the user then edits and deploys is the current shape.
// Loaded by every node's HTML of this package; it starts listening once.
/* global RED, window */
(function () {
  "use strict";
  var api = window.ccvSnelstartConfig;
  if (!api || api.listening) return;
  api.listening = true;
  RED.events.on("nodes:add", function (node) {
    if (!node || !node._def || !Object.prototype.hasOwnProperty.call(api.MIGRATIONS, node.type)) return;
    var current = api.currentVersion(node.type);
    if (node.version === current) return;
    var settings = {};
    Object.keys(node._def.defaults || {}).forEach(function (k) {
      settings[k] = node[k];
    });
    var m = api.migrateConfig(node.type, settings);
    if (m.tooNew) {
      RED.notify(node.type + ": settings of version " + m.from + ", saved by a newer version of this package (this one reads up to " + m.to + "). Update the package before you edit this node.", "warning");
      return;
    }
    Object.keys(m.def).forEach(function (k) {
      node[k] = m.def[k];
    });
  });
})();
