/* Torget: the map of a table's geometries on a dataset's page, over Leaflet (vendored).
   Without this file the page shows the table of features that says the same in text. */
(function () {
  "use strict";

  function popupContent(feature, labelColumn) {
    var props = feature.properties || {};
    var box = document.createElement("div");
    var strong = document.createElement("strong");
    var label = labelColumn && props[labelColumn] != null ? props[labelColumn] : "#" + props._id;
    strong.textContent = String(label);
    box.appendChild(strong);
    return box;
  }

  function draw(element, data) {
    var map = L.map(element, { zoomControl: false, attributionControl: true });
    L.control.zoom({
      zoomInTitle: element.getAttribute("data-zoom-in"),
      zoomOutTitle: element.getAttribute("data-zoom-out")
    }).addTo(map);
    var tiles = element.getAttribute("data-tiles");
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 19, attribution: element.getAttribute("data-attribution") }).addTo(map);
    }
    var labelColumn = element.getAttribute("data-label");
    var layer = L.geoJSON(data, {
      style: function () { return { color: "#1d5e8c", weight: 2, fillOpacity: 0.25 }; },
      pointToLayer: function (_feature, latlng) {
        return L.circleMarker(latlng, { radius: 6, color: "#ffffff", weight: 2, fillColor: "#1d5e8c", fillOpacity: 1 });
      },
      onEachFeature: function (feature, featureLayer) {
        featureLayer.bindPopup(popupContent(feature, labelColumn));
      }
    }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [20, 20], maxZoom: 16 });
    } else {
      map.setView([62, 16], 4);
    }
    element.setAttribute("data-features", String(layer.getLayers().length));
  }

  function start() {
    var element = document.getElementById("preview-map");
    if (!element || typeof L === "undefined" || !window.fetch) { return; }
    element.hidden = false;
    var hint = document.getElementById("map-hint");
    if (hint) { hint.hidden = false; }
    fetch(element.getAttribute("data-geojson"), { headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (data) { draw(element, data); })
      .catch(function () {
        element.hidden = true;
        if (hint) { hint.textContent = element.getAttribute("data-failed"); }
      });
  }

  document.addEventListener("DOMContentLoaded", start);
})();
