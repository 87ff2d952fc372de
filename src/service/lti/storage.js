// The login's browser key, kept in or read from the platform's storage (LTI Client Side postMessages): the frame
// named by lti_storage_target answers lti.put_data and lti.get_data, from the platform's origin only.
(() => {
  "use strict";
  const data = JSON.parse(document.getElementById("lti-storage").textContent);
  const host = window.opener || window.parent;
  let frame = null;
  try {
    frame = data.target === "_parent" ? host : host.frames[data.target];
  } catch (_) {
    frame = null;
  }
  const id = "labcheck-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  let done = false;
  const finish = (value) => {
    if (done) return;
    done = true;
    if (data.subject === "lti.put_data") {
      window.location.replace(data.next);
    } else {
      document.getElementById("browser-key").value = typeof value === "string" ? value : "";
      document.getElementById("launch").submit();
    }
  };
  window.addEventListener("message", (event) => {
    const answer = event.data;
    if (event.origin !== data.origin || !answer || answer.message_id !== id) return;
    if (answer.subject === data.subject + ".response") finish(answer.error ? null : answer.value);
  });
  const message = { subject: data.subject, message_id: id, key: data.key };
  if (data.subject === "lti.put_data") message.value = data.value;
  try {
    frame.postMessage(message, data.origin);
  } catch (_) {
    finish(null);
  }
  setTimeout(() => finish(null), 3000);
})();
