// Filters the action-item table by owner and status. Without JavaScript every
// row stays visible.
(function () {
  "use strict";
  var owner = document.getElementById("f-owner");
  var state = document.getElementById("f-state");
  var table = document.getElementById("action-table");
  var count = document.getElementById("f-count");
  if (!owner || !state || !table) return;
  var params = new URLSearchParams(window.location.search);
  if (params.get("owner")) owner.value = params.get("owner");
  if (params.get("status")) state.value = params.get("status");
  function apply() {
    var o = owner.value, s = state.value, shown = 0;
    var rows = table.tBodies[0].rows;
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      if (!r.hasAttribute("data-state")) continue;
      var st = r.getAttribute("data-state");
      var ok = (!o || r.getAttribute("data-owner") === o) &&
        (!s || st === s || (s === "open" && st === "overdue"));
      r.hidden = !ok;
      if (ok) shown++;
    }
    count.textContent = shown + " shown";
  }
  owner.addEventListener("change", apply);
  state.addEventListener("change", apply);
  apply();
})();
