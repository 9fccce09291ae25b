// Enhancements only; every page works without this file.
(function () {
  "use strict";
  // One press casts one ballot: a form marked "once" ignores a second submit.
  document.querySelectorAll("form.once, form.ballot").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (f.dataset.sent) { e.preventDefault(); return; }
      f.dataset.sent = "1";
      f.querySelectorAll("button").forEach(function (b) { b.setAttribute("aria-busy", "true"); });
    });
  });
  // The live "已选 k / N" counter; at N, the other boxes are locked.
  var ballot = document.querySelector("form.ballot");
  if (ballot) {
    var seats = parseInt(ballot.dataset.seats, 10);
    var out = document.getElementById("marked");
    var update = function () {
      var k;
      if (ballot.dataset.method === "choose") {
        var boxes = ballot.querySelectorAll("input[name=selections]");
        k = ballot.querySelectorAll("input[name=selections]:checked").length;
        boxes.forEach(function (b) { b.disabled = !b.checked && k >= seats; });
      } else {
        k = ballot.querySelectorAll("input[type=radio][value=yes]:checked").length;
        ballot.querySelectorAll("input[type=radio][value=yes]").forEach(function (b) {
          b.disabled = !b.checked && k >= seats;
        });
      }
      if (out) { out.textContent = String(k); }
    };
    ballot.addEventListener("change", update);
    update();
  }
  // Live counts by Server-Sent Events; the browser reconnects by itself.
  var live = document.querySelector("[data-live]");
  if (live && window.EventSource) {
    var lost = document.querySelector(".live-lost");
    var src = new EventSource(live.dataset.live);
    var set = function (k, v) {
      document.querySelectorAll("[data-k=" + k + "]").forEach(function (el) { el.textContent = String(v); });
    };
    src.addEventListener("snapshot", function (ev) {
      if (lost) { lost.hidden = true; }
      var s = JSON.parse(ev.data);
      set("roster", s.roster); set("present", s.present); set("quorum_needed", s.quorum_needed);
      document.querySelectorAll("[data-k=quorum_word]").forEach(function (el) {
        el.textContent = s.quorum_met ? el.dataset.yes : el.dataset.no;
        el.className = el.className.replace(/\b(ok|bad)\b/g, "") + (s.quorum_met ? " ok" : " bad");
      });
      if (s.vote) { set("ballots_cast", s.vote.ballots_cast); set("vote_present", s.vote.present); }
      // A new stage (opened, counting, published) brings new content: load it.
      var stage = s.vote ? s.vote.status + ":" + s.vote.title : "";
      if (live.dataset.status !== undefined && live.dataset.status !== stage) { location.reload(); }
    });
    src.addEventListener("error", function () { if (lost) { lost.hidden = false; } });
  }
  // The bulletin's receipt finder: searches this page only.
  var finder = document.getElementById("finder");
  if (finder) {
    finder.hidden = false;
    var input = document.getElementById("find");
    var result = document.getElementById("find-result");
    var find = function () {
      var want = input.value.toLowerCase().replace(/[^0-9a-f]/g, "");
      document.querySelectorAll("tr.found").forEach(function (r) { r.classList.remove("found"); });
      if (want.length < 8) { result.textContent = ""; return; }
      var rows = document.querySelectorAll("tr[data-receipt]");
      var hit = null;
      rows.forEach(function (r) { if (!hit && r.dataset.receipt === want) { hit = r; } });
      if (hit) {
        hit.classList.add("found");
        hit.scrollIntoView({ block: "center" });
        result.textContent = result.dataset.found;
      } else {
        result.textContent = want.length >= 32 ? result.dataset.missing : "";
      }
    };
    input.addEventListener("input", find);
    finder.addEventListener("submit", function (e) { e.preventDefault(); find(); });
  }
})();
