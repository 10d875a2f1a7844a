// The check-in desk on a phone: read the QR code of a badge with the browser's camera and send
// it through the desk's form, as a handheld scanner would type it. Uses the browser's own
// BarcodeDetector (Chrome, Edge and Samsung Internet on Android; no library, nothing loaded from
// elsewhere). Where it is missing, or the camera cannot be opened, the page stays as it is
// without JavaScript: a field to type the code printed under the QR code.
(() => {
  const scanner = document.querySelector("[data-qr-scanner]");
  const form = document.querySelector("[data-checkin-form]");
  if (!scanner || !form) return;
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices?.getUserMedia) return;

  const fallback = document.querySelector("[data-scanner-fallback]");
  const start = scanner.querySelector("[data-scanner-start]");
  const frame = scanner.querySelector("[data-scanner-frame]");
  const video = scanner.querySelector("video");
  const status = scanner.querySelector("[data-scanner-status]");
  const field = form.querySelector("input[name=code]");
  const say = (key) => {
    status.textContent = scanner.dataset[key] || "";
  };

  BarcodeDetector.getSupportedFormats()
    .then((formats) => {
      if (!formats.includes("qr_code")) return;
      scanner.hidden = false;
      if (fallback) fallback.hidden = true;
      start.addEventListener("click", () => run(new BarcodeDetector({ formats: ["qr_code"] })));
    })
    .catch(() => {});

  let stream = null;
  let sent = false;

  const stop = () => {
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
  };

  const send = (code) => {
    if (sent) return;
    sent = true;
    stop();
    say("msgFound");
    field.value = code;
    form.submit();
  };

  const look = (detector) => {
    if (!stream || sent) return;
    detector
      .detect(video)
      .then((codes) => {
        const found = codes.find((code) => code.rawValue);
        if (found) send(found.rawValue.trim());
        else window.setTimeout(() => look(detector), 200);
      })
      .catch(() => window.setTimeout(() => look(detector), 400));
  };

  const run = (detector) => {
    say("msgStarting");
    start.disabled = true;
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then((opened) => {
        stream = opened;
        video.srcObject = stream;
        frame.hidden = false;
        start.hidden = true;
        return video.play();
      })
      .then(() => {
        say("msgScanning");
        look(detector);
      })
      .catch(() => {
        stop();
        frame.hidden = true;
        start.hidden = false;
        start.disabled = false;
        say("msgDenied");
        if (fallback) fallback.hidden = false;
        field.focus();
      });
  };

  window.addEventListener("pagehide", stop);
})();
