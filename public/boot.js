// Starts the wasm app and registers the service worker. xtask fills in the hashed names.
import init from "__JS__";

init({ module_or_path: "__WASM__" }).catch((err) => {
  console.error(err);
  const msg = document.getElementById("boot-message");
  if (msg) {
    msg.className = "boot-error";
    msg.textContent = navigator.onLine
      ? "应用加载失败，请刷新页面重试。"
      : "离线：应用尚未缓存，请联网后刷新页面。";
  }
});

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch((err) => {
    console.warn("service worker registration failed", err);
  });
}
