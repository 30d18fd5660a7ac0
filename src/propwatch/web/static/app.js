/* propwatch workbench: span tooltips, legend filters. No inline code; text is set with textContent only. */
(function () {
  "use strict";

  function spanDetails(number) {
    var item = document.getElementById("d" + number);
    return item ? item.dataset : null;
  }

  function marksOf(number) {
    return document.querySelectorAll('mark.hl[data-span="' + String(Number(number)) + '"]');
  }

  function setupTooltips(text, tip) {
    var shown = [];

    function clearActive() {
      shown.forEach(function (number) {
        marksOf(number).forEach(function (m) { m.classList.remove("active"); });
      });
      shown = [];
    }

    function hide() {
      tip.hidden = true;
      clearActive();
    }

    function show(target) {
      var mark = target.closest ? target.closest("mark.hl") : null;
      if (!mark || !text.contains(mark)) { return; }
      var stack = [];
      for (var node = mark; node && node !== text; node = node.parentElement) {
        if (node.matches("mark.hl") && !node.classList.contains("off")) { stack.push(node.dataset.span); }
      }
      if (!stack.length) { hide(); return; }
      clearActive();
      tip.textContent = "";
      stack.forEach(function (number) {
        var d = spanDetails(number);
        if (!d) { return; }
        var block = document.createElement("div");
        block.className = "tip-item";
        var head = document.createElement("div");
        head.className = "tip-head";
        var name = document.createElement("strong");
        name.className = "tip-label";
        name.textContent = d.title;
        head.appendChild(name);
        var score = document.createElement("span");
        score.className = "tip-score";
        // a narrative's similarity comes named: "score" would read as a probability
        score.textContent = /^[0-9.]/.test(d.score) ? "score " + d.score : d.score;
        head.appendChild(score);
        block.appendChild(head);
        var meta = document.createElement("div");
        meta.className = "tip-meta";
        meta.textContent = (d.category ? d.category + " · " : "") + d.analyzer;
        block.appendChild(meta);
        if (d.explanation) {
          var why = document.createElement("p");
          why.className = "tip-explanation";
          why.textContent = d.explanation;
          block.appendChild(why);
        }
        tip.appendChild(block);
        marksOf(number).forEach(function (m) { m.classList.add("active"); });
        shown.push(number);
      });
      tip.hidden = false;
      var box = mark.getBoundingClientRect();
      var host = tip.offsetParent ? tip.offsetParent.getBoundingClientRect() : { left: 0, top: 0 };
      // Within the host and the window: on a phone the host can be wider than what is on screen.
      var room = Math.min(host.width, window.innerWidth - host.left) - tip.offsetWidth - 8;
      var left = Math.max(8, Math.min(box.left - host.left, room || 8));
      tip.style.left = left + "px";
      // Right under the highlight: no gap the pointer must cross on its way to the tooltip.
      tip.style.top = (box.bottom - host.top) + "px";
    }

    text.addEventListener("mouseover", function (e) { show(e.target); });
    text.addEventListener("focusin", function (e) { show(e.target); });
    // The pointer may move from a highlight onto its tooltip and stay there to read or select it
    // (WCAG 1.4.13); it hides once the pointer leaves both.
    function leave(e) {
      var to = e.relatedTarget;
      if (to && (tip.contains(to) || text.contains(to))) { return; }
      hide();
    }
    text.addEventListener("mouseleave", leave);
    tip.addEventListener("mouseleave", leave);
    text.addEventListener("focusout", hide);
    document.addEventListener("keydown", function (e) { if (e.key === "Escape") { hide(); } });
  }

  function setupLegend(legend) {
    var buttons = Array.prototype.slice.call(legend.querySelectorAll("button.legend-item"));

    function apply() {
      var off = {};
      buttons.forEach(function (b) { if (b.getAttribute("aria-pressed") === "false") { off[b.dataset.key] = true; } });
      document.querySelectorAll("mark.hl").forEach(function (m) {
        var hidden = Object.prototype.hasOwnProperty.call(off, m.dataset.key);
        m.classList.toggle("off", hidden);
        if (m.id) { m.tabIndex = hidden ? -1 : 0; }  // a hidden highlight is no stop for Tab
      });
      document.querySelectorAll(".evidence li[data-key]").forEach(function (li) {
        li.classList.toggle("filtered", Object.prototype.hasOwnProperty.call(off, li.dataset.key));
      });
    }

    buttons.forEach(function (b) {
      b.addEventListener("click", function () {
        b.setAttribute("aria-pressed", b.getAttribute("aria-pressed") === "true" ? "false" : "true");
        apply();
      });
    });
    legend.querySelectorAll("[data-legend-all]").forEach(function (control) {
      control.addEventListener("click", function () {
        var state = control.dataset.legendAll === "on" ? "true" : "false";
        buttons.forEach(function (b) { b.setAttribute("aria-pressed", state); });
        apply();
      });
    });
  }

  function setupEvidenceLinks() {
    document.querySelectorAll("a.evidence-link").forEach(function (link) {
      link.addEventListener("click", function (e) {
        var target = document.getElementById(link.getAttribute("href").slice(1));
        if (target) {
          e.preventDefault();
          target.scrollIntoView({ block: "center", behavior: "smooth" });
          target.focus({ preventScroll: true });
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var text = document.getElementById("article-text");
    var tip = document.getElementById("tip");
    if (text && tip) { setupTooltips(text, tip); }
    var legend = document.getElementById("legend");
    if (legend) { setupLegend(legend); }
    setupEvidenceLinks();
    // A form shown again with its error: focus the message, so it is read out and found.
    var error = document.querySelector(".error-message[tabindex], #deleted-notice");
    if (error) { error.focus(); }
  });
})();
