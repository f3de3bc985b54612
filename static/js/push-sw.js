/* BankDash's service worker: shows the alerts pushed to this browser
 * (apps/notifications/channels/push.py sends them; apps/notifications/push_views.py serves this
 * file from our origin, with the scope /notifications/push/, so it controls no page).
 *
 * The payload is {title, body, url, tag}; tag is the delivery's idempotency key, so a copy sent
 * again after a worker crash replaces the notification on screen instead of showing it twice.
 */
"use strict";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("push", function (event) {
  var data = {};
  if (event.data) {
    try { data = event.data.json(); } catch (error) { data = { body: event.data.text() }; }
  }
  var options = { body: data.body || "", data: { url: data.url || "/alerts/" } };
  if (data.tag) { options.tag = data.tag; }
  event.waitUntil(self.registration.showNotification(data.title || "BankDash", options));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = new URL((event.notification.data && event.notification.data.url) || "/alerts/", self.location.origin).href;
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      if (windows[i].url === url && "focus" in windows[i]) { return windows[i].focus(); }
    }
    return self.clients.openWindow(url);
  }));
});
