// The staff lists (list_routes.py): "select all", the count of selected rows, the fields the
// chosen bulk action needs, and a new sort applied at once. Without it the forms still work.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    var form = document.getElementById("bulk-form");
    if (!form) return;
    var picks = function () { return Array.prototype.slice.call(form.querySelectorAll("input.pick")); };
    var all = document.getElementById("select-all");
    var count = document.getElementById("selected-count");
    var ko = document.documentElement.lang === "ko";
    function update() {
      var chosen = picks().filter(function (p) { return p.checked; }).length;
      if (count) count.textContent = chosen ? (ko ? "(" + chosen + "개 선택됨)" : "(" + chosen + " selected)") : "";
      if (all) {
        all.checked = chosen > 0 && chosen === picks().length;
        all.indeterminate = chosen > 0 && chosen < picks().length;
      }
    }
    if (all) {
      all.hidden = false;
      all.addEventListener("change", function () {
        picks().forEach(function (p) { p.checked = all.checked; });
        update();
      });
    }
    form.addEventListener("change", function (e) { if (e.target.classList.contains("pick")) update(); });
    var action = document.getElementById("bulk-action");
    function fields() {
      var v = action.value;
      form.querySelectorAll(".for-level").forEach(function (el) { el.hidden = v !== "level"; });
      form.querySelectorAll(".for-assign").forEach(function (el) { el.hidden = v !== "assign"; });
      var reason = document.getElementById("bulk-reason");
      if (reason) reason.required = v === "level";
    }
    if (action) { action.addEventListener("change", fields); fields(); }
    var sort = document.getElementById("list-sort");
    if (sort) sort.addEventListener("change", function () { sort.form.submit(); });
    update();
  });
})();
