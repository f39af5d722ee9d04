// Progressive enhancement of the calculator form. The form works without
// this file: it adds participant rows, shows the selected programme's
// conditions only and focuses the error summary.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();

    var select = document.getElementById("subsidy-programme");
    if (select) {
      var show = function () {
        var blocks = document.querySelectorAll(".programme-info");
        for (var i = 0; i < blocks.length; i++) {
          blocks[i].classList.toggle("current", blocks[i].getAttribute("data-programme") === select.value);
        }
      };
      select.addEventListener("change", show);
      show();
    }

    var list = document.getElementById("participant-rows");
    var tpl = document.getElementById("participant-row-template");
    var addBtn = document.getElementById("add-participant");
    if (!list || !tpl || !addBtn) return;
    var MAX = 50;

    // renumber gives every row consecutive indexes in names, ids and labels.
    function renumber() {
      var rows = list.querySelectorAll("li.row");
      for (var i = 0; i < rows.length; i++) {
        var row = rows[i];
        row.setAttribute("data-row", i);
        var no = row.querySelector(".row-no");
        if (no) no.textContent = String(i + 1);
        var els = row.querySelectorAll("[name],[id],[for],[aria-describedby]");
        for (var j = 0; j < els.length; j++) {
          var el = els[j];
          ["name", "id", "for", "aria-describedby"].forEach(function (a) {
            var v = el.getAttribute(a);
            if (!v) return;
            v = v.replace(/participants\[(\d+|__i__)\]/g, "participants[" + i + "]")
                 .replace(/participants-(\d+|__i__)-/g, "participants-" + i + "-");
            el.setAttribute(a, v);
          });
        }
        var rm = row.querySelector(".remove-row");
        if (rm) {
          rm.hidden = rows.length <= 1;
          var label = rm.getAttribute("aria-label") || "";
          label = label.replace(/(\d+|__n__)$/, String(i + 1));
          rm.setAttribute("aria-label", label);
          rm.setAttribute("title", label);
        }
      }
      addBtn.disabled = rows.length >= MAX;
    }

    addBtn.hidden = false;
    addBtn.addEventListener("click", function () {
      var frag = tpl.content.cloneNode(true);
      list.appendChild(frag);
      renumber();
      var rows = list.querySelectorAll("li.row");
      var first = rows[rows.length - 1].querySelector("input,select");
      if (first) first.focus();
    });
    list.addEventListener("click", function (e) {
      var btn = e.target.closest ? e.target.closest(".remove-row") : null;
      if (!btn) return;
      var row = btn.closest("li.row");
      if (row && list.querySelectorAll("li.row").length > 1) {
        row.parentNode.removeChild(row);
        renumber();
        addBtn.focus();
      }
    });
    renumber();
  });
})();
