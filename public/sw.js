// xueji service worker. xtask fills in VERSION and PRECACHE from the built, hashed files.
// The app shell and the versioned assets are cached; API responses never are (they are
// personal data and must be fresh).
const VERSION = "__VERSION__";
const CACHE = `xueji-shell-${VERSION}`;
const PRECACHE = __PRECACHE__;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys.filter((k) => k.startsWith("xueji-shell-") && k !== CACHE).map((k) => caches.delete(k))
        )
      )
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname === "/healthz" || url.pathname === "/readyz") {
    return; // network only
  }

  if (req.mode === "navigate") {
    // Pages: the network first (a new deployment shows at once), the cached shell offline.
    event.respondWith(
      fetch(req).catch(() =>
        caches.open(CACHE).then((cache) => cache.match("/index.html"))
      )
    );
    return;
  }

  // Versioned assets and static files: the cache first; fill it from the network.
  event.respondWith(
    caches.open(CACHE).then((cache) =>
      cache.match(req).then(
        (hit) =>
          hit ||
          fetch(req).then((res) => {
            if (res.ok && url.pathname.startsWith("/assets/")) cache.put(req, res.clone());
            return res;
          })
      )
    )
  );
});
