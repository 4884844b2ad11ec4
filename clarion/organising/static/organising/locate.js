// "Use my location" for the branch locator. Without JavaScript (or without permission)
// the postcode box works alone; with it, a button sends the phone's position instead,
// rounded to about a kilometre so server logs never hold where a reader lives.
(function () {
  "use strict";
  var form = document.querySelector("form[data-locate]");
  if (!form || !("geolocation" in navigator)) return;
  var button = document.createElement("button");
  button.type = "button";
  button.className = "locator__here";
  button.textContent = "Use my location";
  var status = document.createElement("p");
  status.setAttribute("role", "status");
  status.className = "locator__status";
  form.appendChild(button);
  form.appendChild(status);
  button.addEventListener("click", function () {
    status.textContent = "Finding where you are…";
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        var to = new URL(form.action, window.location.href);
        to.search = "";
        to.searchParams.set("lat", position.coords.latitude.toFixed(2));
        to.searchParams.set("lon", position.coords.longitude.toFixed(2));
        window.location.assign(to.toString());
      },
      function () {
        status.textContent = "Your location is not available. Type your postcode or town instead.";
        button.disabled = false;
      },
      { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 }
    );
  });
})();
