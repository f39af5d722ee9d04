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
      var pct = j.percent || 0;
      bar.max = 100;
      bar.value = pct;
      bar.textContent = pct + "%";
      text.textContent = pct + "% · " + n + " / " + j.rows.total;
      if (labels[j.status]) label.textContent = labels[j.status];
      var queue = document.getElementById("queue");
      if (queue) {
        queue.hidden = !j.queue_position;
        if (j.queue_position) queue.textContent = "· " + job.getAttribute("data-l-queue").replace("%d", j.queue_position);
      }
      var left = document.getElementById("left"), wrap = document.getElementById("left-wrap");
      if (left && wrap) {
        wrap.hidden = j.seconds_left == null;
        if (j.seconds_left != null) {
          var s = j.seconds_left;
          left.textContent = s < 90 ? job.getAttribute("data-l-s").replace("%d", Math.max(1, Math.round(s)))
            : job.getAttribute("data-l-min").replace("%d", Math.round(s / 60));
        }
      }
      if (j.status === "done" || j.status === "failed" || j.status === "cancelled") {
        es.close();
        window.location.reload();
      }
    });
    es.addEventListener("gone", function () { es.close(); window.location.reload(); });
  });
})();
