/* routerisk review page: builds every element with textContent; no request, no markup from data. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("review-data").textContent);
  var EDITABLE = ["date", "end_date", "type", "place", "admin1", "country", "lat", "lon",
                  "date_precision", "geo_precision", "count", "source_name", "source_quality",
                  "notes"];
  var decisions = {};

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = String(text); }
    return node;
  }

  function summary() {
    var n = { accept: 0, edit: 0, reject: 0, open: 0 };
    data.items.forEach(function (item) { n[decisions[item.row.incident_id] || "open"] += 1; });
    document.getElementById("summary").textContent = n.accept + " accepted, " + n.edit +
      " edited, " + n.reject + " rejected, " + n.open + " not decided";
  }

  function field(item, name, box) {
    var id = "f-" + item.row.incident_id + "-" + name;
    box.appendChild(el("label", { "for": id }, name));
    var input;
    if (name === "type") {
      input = el("select", { id: id, "data-field": name });
      data.types.forEach(function (t) {
        var opt = el("option", { value: t }, t);
        if (t === item.row.type) { opt.selected = true; }
        input.appendChild(opt);
      });
    } else {
      input = el("input", { id: id, "data-field": name, type: "text" });
      input.value = String(item.row[name] === undefined ? "" : item.row[name]);
    }
    input.disabled = true;
    box.appendChild(input);
  }

  function drawMap(item, box) {
    var pts = item.candidates.filter(function (c) { return isFinite(c[1]) && isFinite(c[2]); });
    if (!pts.length) { box.appendChild(el("p", { "class": "why" }, "no place candidates to map")); return; }
    var div = el("div", { "class": "map" });
    box.appendChild(div);
    var map = L.map(div, { attributionControl: false, zoomControl: true });
    var group = L.featureGroup();
    pts.forEach(function (c, i) {
      var marker = L.circleMarker([c[1], c[2]], { radius: i === 0 ? 8 : 5,
        color: i === 0 ? "#b2182b" : "#2166ac", weight: 2, fillOpacity: 0.6 });
      marker.bindTooltip(document.createTextNode(c[0] + (i === 0 ? " (chosen)" : "")));
      group.addLayer(marker);
    });
    group.addTo(map);
    map.fitBounds(group.getBounds().pad(0.5), { maxZoom: 7 });
    L.control.scale().addTo(map);
  }

  function card(item) {
    var id = item.row.incident_id;
    var box = el("section", { "class": "proposal", "data-id": id });
    var left = el("div");
    left.appendChild(el("h2", {}, id + ": " + item.row.type + ", " + item.row.date +
      " (confidence " + item.row.confidence + ")"));
    var ctx = el("p", { "class": "context" });
    ctx.appendChild(document.createTextNode(item.before));
    ctx.appendChild(el("mark", {}, item.sentence));
    ctx.appendChild(document.createTextNode(item.after));
    left.appendChild(ctx);
    left.appendChild(el("p", { "class": "why" }, "source: " + item.row.source_id + "; why: " + item.row.why));
    var fields = el("div", { "class": "fields" });
    EDITABLE.forEach(function (name) { field(item, name, fields); });
    left.appendChild(fields);
    var choose = el("div", { "class": "decision" });
    ["accept", "edit", "reject"].forEach(function (d) {
      var label = el("label");
      var radio = el("input", { type: "radio", name: "d-" + id, value: d });
      radio.addEventListener("change", function () {
        decisions[id] = d;
        box.classList.toggle("accepted", d !== "reject");
        box.classList.toggle("rejected", d === "reject");
        fields.querySelectorAll("input, select").forEach(function (f) { f.disabled = d !== "edit"; });
        summary();
      });
      label.appendChild(radio);
      label.appendChild(document.createTextNode(" " + d));
      choose.appendChild(label);
    });
    left.appendChild(choose);
    box.appendChild(left);
    var right = el("div");
    box.appendChild(right);
    document.getElementById("proposals").appendChild(box);
    drawMap(item, right);
  }

  function cell(value) {
    var text = value === undefined || value === null ? "" : String(value);
    // a cell a spreadsheet would run as a formula gets a leading ' (as routerisk's own CSVs)
    if (/^ *[=+\-@\t\r]/.test(text) && !/^-?[0-9.]+$/.test(text)) { text = "'" + text; }
    return /[",\n\r]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function save() {
    var columns = data.columns.concat(["status"], data.extra);
    var lines = [columns.join(",")];
    data.items.forEach(function (item) {
      var d = decisions[item.row.incident_id];
      if (d !== "accept" && d !== "edit") { return; }
      var row = Object.assign({}, item.row);
      if (d === "edit") {
        document.querySelectorAll('[data-id="' + CSS.escape(item.row.incident_id) + '"] [data-field]')
          .forEach(function (f) { row[f.getAttribute("data-field")] = f.value; });
      }
      row.status = d === "edit" ? "edited" : "accepted";
      lines.push(columns.map(function (c) { return cell(row[c]); }).join(","));
    });
    var blob = new Blob([lines.join("\n") + "\n"], { type: "text/csv" });
    var a = el("a", { download: "accepted_incidents.csv" });
    a.href = URL.createObjectURL(blob);
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  data.items.forEach(card);
  document.getElementById("save").addEventListener("click", save);
  summary();
}());
