// Upload with a progress bar, then follow every upload's status by polling /uploads/status.json.
(function () {
  "use strict";
  const form = document.getElementById("upload-form");
  const message = document.getElementById("upload-message");
  const progress = document.getElementById("progress");

  if (form) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-CSRF-Token", form.dataset.csrf);
      xhr.responseType = "json";
      progress.hidden = false;
      progress.value = 0;
      message.textContent = "Uploading…";
      xhr.upload.addEventListener("progress", (e) => {
        if (e.lengthComputable) progress.value = Math.round((100 * e.loaded) / e.total);
      });
      xhr.addEventListener("load", () => {
        const body = xhr.response || {};
        if (xhr.status === 202 || xhr.status === 200) {
          progress.value = 100;
          message.textContent = xhr.status === 200
            ? "This file was already uploaded; showing the earlier upload."
            : "Uploaded. Validation has started; the status below updates by itself.";
          message.dataset.uploadId = body.upload_id;
          refresh();
        } else {
          message.textContent = "The file was not accepted: " + (body.detail || ("error " + xhr.status));
        }
      });
      xhr.addEventListener("error", () => { message.textContent = "The upload failed: check your connection and try again."; });
      xhr.send(new FormData(form));
    });
  }

  const table = document.querySelector("#history tbody");
  const showProvider = document.querySelectorAll("#history thead th").length === 9 && !form;

  function cell(text) { const td = document.createElement("td"); td.textContent = text == null ? "" : String(text); return td; }

  function render(uploads) {
    if (!table) return;
    table.replaceChildren(...uploads.map((u) => {
      const tr = document.createElement("tr");
      tr.dataset.upload = u.upload_id;
      tr.append(cell(u.created_at.slice(0, 16).replace("T", " ")));
      if (showProvider) tr.append(cell(u.provider_id));
      tr.append(cell(u.dataset === "outcomes" ? `${u.service_code} outcomes` : u.service_code));
      const status = cell(u.status); status.className = "status status-" + u.status; tr.append(status);
      tr.append(cell(u.reportable_at ? u.reportable_at.slice(0, 16).replace("T", " ") : ""));
      tr.append(cell(u.rows_total), cell(u.rows_accepted), cell(u.rows_rejected));
      const link = document.createElement("a"); link.href = "/uploads/" + u.upload_id; link.textContent = "View report";
      const td = document.createElement("td"); td.append(link); tr.append(td);
      return tr;
    }));
  }

  async function refresh() {
    try {
      const response = await fetch("/uploads/status.json", { credentials: "same-origin", cache: "no-store" });
      if (response.ok) render((await response.json()).uploads);
    } catch (e) { /* next poll */ }
  }

  if (table) setInterval(refresh, 2000);
})();
