// Live progress of a batch job on /batch/{id}: follows the job's
// server-sent events and reloads the page when it finishes (the server
// renders the summary, errors and download link). The page works without
// this file: it then shows a Refresh link.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    var job = document.getElementById("job");
    if (!job || !window.EventSource) return;
    var status = job.getAttribute("data-status");
    if (status !== "queued" && status !== "running") return;
    var bar = document.getElementById("progress");
    var text = document.getElementById("progress-text");
    var label = document.getElementById("status");
    var labels = { queued: job.getAttribute("data-l-queued"), running: job.getAttribute("data-l-running") };
    var es = new EventSource(job.getAttribute("data-events"));
    es.addEventListener("status", function (e) {
      var j;
      try { j = JSON.parse(e.data); } catch (err) { return; }
      var n = j.rows.done + j.rows.failed;
      var total = Math.max(j.rows.total, n, 1);
      bar.max = total;
      bar.value = n;
      bar.textContent = Math.floor(n * 100 / total) + "%";
      text.textContent = n + " / " + j.rows.total;
      if (labels[j.status]) label.textContent = labels[j.status];
      if (j.status === "done" || j.status === "failed") {
        es.close();
        window.location.reload();
      }
    });
    es.addEventListener("gone", function () { es.close(); window.location.reload(); });
  });
})();
