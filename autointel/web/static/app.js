// The UI works without this file; it adds live ingest progress and a copy button.  No inline scripts: the
// Content-Security-Policy allows scripts from this server only.
"use strict";

function pollJob(el) {
  const id = el.dataset.jobId;
  const bar = el.querySelector("progress");
  const text = el.querySelector(".job-status");
  const tick = async () => {
    let job;
    try {
      const r = await fetch(`/api/jobs/${encodeURIComponent(id)}`, { headers: { accept: "application/json" } });
      job = await r.json();
    } catch (e) {
      setTimeout(tick, 2000);
      return;
    }
    const total = job.total || 0, done = job.done || 0;
    if (bar) {
      bar.max = total || 1;
      bar.value = total ? done : (job.state === "done" ? 1 : 0);
    }
    if (text) {
      const c = job.counts || {};
      text.textContent = `${job.state} · ${done}/${total || "?"} · new ${c.new || 0}, updated ${c.updated || 0}, ` +
        `unchanged ${c.unchanged || 0}, duplicate ${c.duplicate || 0}, failed ${c.failed || 0}` +
        (job.error ? ` · ${job.error}` : "");
    }
    el.dataset.state = job.state;
    if (job.state === "queued" || job.state === "running") setTimeout(tick, 700);
  };
  tick();
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-job-id]").forEach(pollJob);
  document.querySelectorAll("[data-copy]").forEach((button) => {
    button.addEventListener("click", async () => {
      const source = document.getElementById(button.dataset.copy);
      try {
        await navigator.clipboard.writeText(source.textContent);
        button.textContent = "已复制 Copied";
      } catch (e) {
        const range = document.createRange();
        range.selectNodeContents(source);
        const sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
      }
    });
  });
});
