// formfill: small progressive enhancements (CSP: loaded from 'self', no inline script).
"use strict";
(function () {
  function poll(url, every, onData) {
    var stop = false;
    function tick() {
      if (stop) return;
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data && onData(data) === false) { stop = true; } else { setTimeout(tick, every); } })
        .catch(function () { setTimeout(tick, every * 2); });
    }
    setTimeout(tick, every);
  }

  document.addEventListener("DOMContentLoaded", function () {
    // after a failed save focus belongs on the error summary (its autofocus attribute does it
    // without JavaScript; this covers a browser that ignores autofocus on a non-field)
    var summary = document.querySelector("[data-error-summary]");
    if (summary && document.activeElement !== summary) summary.focus();
    // after a decision the page comes back at the next proposal (#p12): focus goes there, so
    // keyboard users carry on where they are, not from the top of the page
    else if (/^#p\d+$/.test(location.hash)) {
      var target = document.getElementById(location.hash.slice(1));
      if (target) target.focus();
    }
    // language choice submits itself
    // (with the keyboard, arrows only move the choice: Enter or leaving the list submits it,
    // so passing through Norsk on the way to Nederlands does not reload the page)
    document.querySelectorAll("select.autosubmit").forEach(function (s) {
      var byKeys = false, start = s.value;
      s.addEventListener("keydown", function (e) {
        if (e.key === "Enter") { if (s.value !== start) { e.preventDefault(); s.form.submit(); } }
        else if (e.key !== "Tab") { byKeys = true; }
      });
      s.addEventListener("change", function () { if (!byKeys) s.form.submit(); });
      s.addEventListener("blur", function () { if (byKeys && s.value !== start) s.form.submit(); byKeys = false; });
    });
    document.querySelectorAll("a.back").forEach(function (a) {
      a.addEventListener("click", function (e) { e.preventDefault(); history.back(); });
    });
    // batch progress: poll the JSON endpoint until the batch is done
    document.querySelectorAll("[data-batch-progress]").forEach(function (box) {
      if (box.dataset.state === "done") return;
      poll(box.dataset.batchProgress, 700, function (d) {
        var bar = box.querySelector("[data-field=bar]");
        bar.max = d.progress.total; bar.value = d.progress.finished;
        box.querySelector("[data-field=finished]").textContent = d.progress.finished;
        box.querySelector("[data-field=failed]").textContent = d.counts.failed || 0;
        box.querySelector("[data-field=state]").textContent = d.state;
        if (d.state === "done") { location.reload(); return false; }
        return true;
      });
    });
    // evidence reading state: poll each queued/running file, reload when it is read
    document.querySelectorAll("[data-evidence-status]").forEach(function (el) {
      var state = el.dataset.state;
      if (state !== "queued" && state !== "running") return;
      poll(el.dataset.evidenceStatus, 800, function (d) {
        if (d.status === "done" || d.status === "failed") { location.reload(); return false; }
        var badge = el.classList.contains("badge") ? el : el.querySelector(".badge");
        if (badge) badge.textContent = d.status;
        return true;
      });
    });
    // drag and drop onto the upload zone (the plain file input stays the fallback)
    document.querySelectorAll("[data-dropzone]").forEach(function (zone) {
      var input = zone.querySelector("input[type=file]");
      ["dragenter", "dragover"].forEach(function (n) {
        zone.addEventListener(n, function (e) { e.preventDefault(); zone.classList.add("over"); });
      });
      ["dragleave", "drop"].forEach(function (n) {
        zone.addEventListener(n, function (e) { e.preventDefault(); zone.classList.remove("over"); });
      });
      zone.addEventListener("drop", function (e) {
        if (e.dataTransfer && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; }
      });
    });
    // review: highlight a proposal's box while pointing at it
    document.querySelectorAll(".proposal[data-box]").forEach(function (p) {
      var box = document.getElementById(p.dataset.box);
      if (!box) return;
      p.addEventListener("mouseenter", function () { box.classList.add("active"); });
      p.addEventListener("mouseleave", function () { box.classList.remove("active"); });
      p.addEventListener("focusin", function () { box.classList.add("active"); });
      p.addEventListener("focusout", function () { box.classList.remove("active"); });
    });
    // select all checkboxes of a name
    document.querySelectorAll("[data-check-all]").forEach(function (b) {
      b.addEventListener("click", function () {
        document.querySelectorAll("input[name=" + b.dataset.checkAll + "]").forEach(function (c) { c.checked = true; });
      });
    });
    // inline check-digit hints (the server validates; this only helps while typing)
    function mod11(digits, weights) {
      var s = 0; for (var i = 0; i < weights.length; i++) s += Number(digits[i]) * weights[i];
      var r = 11 - (s % 11); return r === 11 ? 0 : r;
    }
    function fnrOk(v) {
      if (!/^\d{11}$/.test(v)) return false;
      var k1 = mod11(v, [3, 7, 6, 1, 8, 9, 4, 5, 2]), k2 = mod11(v, [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]);
      return k1 !== 10 && k2 !== 10 && k1 === Number(v[9]) && k2 === Number(v[10]);
    }
    function bsnOk(v) {
      if (!/^\d{9}$/.test(v)) return false;
      var s = 0; for (var i = 0; i < 8; i++) s += Number(v[i]) * (9 - i);
      return (s - Number(v[8])) % 11 === 0;
    }
    // delegated, so that rows added in place get the hints too
    document.addEventListener("focusout", function (e) {
      var input = e.target;
      if (!input.matches || !input.matches("input[data-check]")) return;
      var hint = input.parentElement.querySelector("[data-hint]");
      var v = input.value.replace(/[\s.-]/g, "");
      var ok = !v || (input.dataset.check === "nl_bsn" ? bsnOk(v) : fnrOk(v));
      if (hint) hint.textContent = ok ? "" : hint.dataset.hintText;
      input.setAttribute("aria-invalid", ok ? "false" : "true");
    });
    // client form: "add another ..." copies the empty row in place instead of asking the
    // server (without JavaScript the button submits and the server adds the row; either
    // way the server reads every row sent, whatever its number)
    document.querySelectorAll("button[data-add]").forEach(function (button) {
      button.addEventListener("click", function (e) {
        var key = button.dataset.add;
        var box = button.closest("[data-repeat]");
        var rows = box ? box.querySelectorAll(".row.item") : [];
        if (!rows.length) return;
        e.preventDefault();
        var last = rows[rows.length - 1];
        var n = Number(last.dataset.row) + 1;
        var from = key + "[" + last.dataset.row + "]", to = key + "[" + n + "]";
        var row = last.cloneNode(true);
        row.dataset.row = String(n);
        row.querySelectorAll("[name],[id],[value],[aria-describedby]").forEach(function (el) {
          ["name", "id", "aria-describedby"].forEach(function (a) {
            var v = el.getAttribute(a);
            if (v) el.setAttribute(a, v.split(from).join(to));
          });
          if (el.type === "checkbox") { el.value = el.value.split(from).join(to); el.checked = false; }
          else if (el.tagName === "SELECT") { el.selectedIndex = 0; }
          else if (el.tagName === "INPUT" && el.type !== "hidden") { el.value = ""; }
        });
        row.querySelectorAll(".error, .warning").forEach(function (el) { el.remove(); });
        row.querySelectorAll(".invalid, .warned").forEach(function (el) { el.classList.remove("invalid", "warned"); });
        var number = row.querySelector("[data-number]");
        if (number) number.textContent = String(n + 1);
        last.after(row);
        var first = row.querySelector("select, input:not([type=checkbox])");
        if (first) first.focus();
      });
    });
  });
})();
// the map editor: show the inputs of the chosen source, explain the chosen profile path, check a
// condition or expression as it is typed, preview a transform on the path's example, and build
// the common conditions
(function () {
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form.field-edit");
    if (!form) return;
    var info = {};
    var raw = document.getElementById("path-info");
    if (raw) JSON.parse(raw.textContent).forEach(function (p) { info[p.path] = p; });
    function source() { var c = form.querySelector("input[name=source]:checked"); return c ? c.value : "todo"; }
    function show() {
      var s = source();
      form.querySelectorAll("[data-for]").forEach(function (el) {
        el.hidden = el.dataset.for.split(" ").indexOf(s) < 0;
      });
    }
    form.querySelectorAll("input[name=source]").forEach(function (r) { r.addEventListener("change", show); });
    show();
    var profile = form.querySelector("input[name=profile]");
    var help = form.querySelector("[data-path-help]");
    var result = form.querySelector("[data-check-result]");
    var preview = form.querySelector("[data-transform-preview]");
    var token = form.querySelector("input[name=csrf_token]").value;
    function post(data, then) {
      var body = new URLSearchParams(data);
      body.append("csrf_token", token);
      fetch(form.dataset.try, { method: "POST", body: body, credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; }).then(function (d) { if (d) then(d); });
    }
    var timer = null;
    function later(fn) { clearTimeout(timer); timer = setTimeout(fn, 250); }
    function explain() {
      var p = info[profile.value.replace(/\[\d+\]/g, "[0]")];
      help.textContent = p ? p.label + ": " + p.description + " (" + p.example + ")" : "";
      transform();
    }
    function transform() {
      var ts = [form.querySelector("input[name=transform1]").value, form.querySelector("input[name=transform2]").value];
      if (!profile.value || (!ts[0] && !ts[1])) { preview.textContent = ""; return; }
      var data = [["kind", "transform"], ["profile", profile.value], ["lang", form.dataset.lang]];
      ts.forEach(function (t) { data.push(["transform", t]); });
      later(function () {
        post(data, function (d) { preview.textContent = d.ok ? d.example + " → " + d.result : d.problems.join("; "); });
      });
    }
    if (profile) { profile.addEventListener("input", explain); explain(); }
    form.querySelectorAll("input[name^=transform]").forEach(function (t) { t.addEventListener("input", transform); });
    form.querySelectorAll("[data-check]").forEach(function (input) {
      input.addEventListener("input", function () {
        later(function () {
          if (!input.value.trim()) { result.textContent = ""; return; }
          post([["kind", input.dataset.check], ["text", input.value]], function (d) {
            result.textContent = d.ok ? "✓" : d.problems.join("; ");
            result.classList.toggle("error", !d.ok);
          });
        });
      });
    });
    // a coded value's codes (single, married, ...) are what the builder offers to compare with
    var bpath = form.querySelector("[data-b=path]");
    var barg = form.querySelector("[data-b=arg]");
    var bhint = form.querySelector("[data-b=hint]");
    var codes = document.createElement("datalist");
    codes.id = "builder-codes";
    form.appendChild(codes);
    function offer() {
      var kind = form.querySelector("[data-b=kind]").value;
      var p = info[bpath.value.trim().replace(/\[\d+\]/g, "[0]")];
      var list = p && p.choices && p.choices.length && (kind === "eq" || kind === "in") ? p.choices : null;
      codes.textContent = "";
      if (list) list.forEach(function (c) { var o = document.createElement("option"); o.value = c; codes.appendChild(o); });
      barg.setAttribute("list", list ? "builder-codes" : "programs");
      if (bhint) bhint.textContent = list ? bhint.dataset.text + " " + list.join(", ") : "";
    }
    if (bpath) {
      bpath.addEventListener("input", offer);
      form.querySelector("[data-b=kind]").addEventListener("change", offer);
    }
    var use = form.querySelector("[data-b=use]");
    if (use) use.addEventListener("click", function () {
      var kind = form.querySelector("[data-b=kind]").value;
      var path = form.querySelector("[data-b=path]").value.trim();
      var arg = form.querySelector("[data-b=arg]").value.trim();
      function q(v) { return "'" + v.replace(/\\/g, "\\\\").replace(/'/g, "\\'") + "'"; }
      var text = {
        eq: path + " == " + q(arg),
        "in": path + " in [" + arg.split(",").map(function (v) { return q(v.trim()); }).join(", ") + "]",
        "true": path,
        child: "household.children_under(" + (parseInt(arg, 10) || 18) + ", fill.date) > 0",
        program: "programs[" + q(arg) + "].eligible"
      }[kind];
      var when = form.querySelector("input[name=when]");
      when.value = text;
      when.dispatchEvent(new Event("input"));
      when.focus();
    });
  });
})();
// evidence review: the scan stays beside the proposals (sticky); the active proposal's box is
// scrolled into the scan's view, and after a decision the "saved" message shows at the foot of
// the screen, where the eyes are, not at the top of a page scrolled to the next proposal
(function () {
  document.addEventListener("DOMContentLoaded", function () {
    var scans = document.querySelector(".review .page-images");
    var active = document.querySelector(".review rect.active");
    if (scans && active) {
      var fig = active.closest("figure");
      var y = fig.offsetTop + parseFloat(active.getAttribute("y")) * fig.clientHeight - scans.clientHeight / 3;
      scans.scrollTop = Math.max(0, y);
    }
    if (scans && /^#p\d+$/.test(location.hash)) {
      document.querySelectorAll(".flash").forEach(function (f) {
        if (f.classList.contains("error-summary")) return;
        f.classList.add("toast");
        setTimeout(function () { f.classList.add("faded"); }, 6000);
      });
    }
  });
})();
