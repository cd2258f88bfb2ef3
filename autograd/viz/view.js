/* chainrule graph view: shows state k of a graph document that Python prepared.
 *
 * The page holds the SVG (laid out once by Graphviz), and the states as JSON: which text
 * slot changes to what at each state, each state's current node, highlighted edges and
 * arithmetic. Moving from state a to b rewrites only the slots that change between them.
 * No dependencies, no network. */
function chainruleView(root) {
  "use strict";
  if (!root || root.getAttribute("data-ready")) return;
  root.setAttribute("data-ready", "true");
  var doc = JSON.parse(root.querySelector("script.cr-data").textContent);
  var n = doc.states;
  if (doc.bar) root.insertAdjacentHTML("afterbegin", doc.bar);  // controls only with a script
  var q = function (sel) { return root.querySelector(sel); };
  var svg = q("svg.cr-graph"), scroller = q(".cr-scroll"), textEl = q(".cr-text");
  var info = q(".cr-info"), slider = q(".cr-slider"), playButton = q(".cr-play");
  var count = q(".cr-count"), speed = q(".cr-speed");

  function index(sel, attr) {
    var out = [];
    root.querySelectorAll(sel).forEach(function (el) { out[+el.getAttribute(attr)] = el; });
    return out;
  }
  var slotEls = index("[data-slot]", "data-slot");
  var nodeEls = index("g[data-i]", "data-i");
  var opEls = index("g[data-op-of]", "data-op-of");
  var edgeEls = index("g[data-edge]", "data-edge");

  // Per slot, its changes in state order; per state, the slots it changes.
  function history(changes) {
    var bySlot = [], byState = [];
    for (var s = 0; s < n; s++) byState.push([]);
    changes.forEach(function (c) {
      (bySlot[c[1]] = bySlot[c[1]] || []).push(c);
      byState[c[0]].push(c[1]);
    });
    return { bySlot: bySlot, byState: byState };
  }
  var texts = history(doc.changes), phases = history(doc.phases);
  function valueAt(list, k) {  // the last change at or before state k (binary search)
    var lo = 0, hi = list.length - 1, found = "";
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (list[mid][0] <= k) { found = list[mid][2]; lo = mid + 1; } else hi = mid - 1;
    }
    return found;
  }
  function setText(slot, k) {
    var el = slotEls[slot];
    if (el) el.textContent = valueAt(texts.bySlot[slot], k);
  }
  function setPhase(node, k) {
    var el = nodeEls[node], phase = valueAt(phases.bySlot[node], k);
    if (!el) return;
    if (phase) el.setAttribute("data-phase", phase); else el.removeAttribute("data-phase");
  }

  // Attribute timelines (autograd.viz.attrs): any drawing's per-state attributes, e.g. a
  // network view's data-activation, fills and line widths; "#text" sets an element's text.
  var attrEls = index("[data-a]", "data-a"), attrKeys = doc.attrKeys || [];
  if (root.hasAttribute("data-a")) attrEls[+root.getAttribute("data-a")] = root;
  var attrs = history(doc.attrs || []);
  function setAttr(key, k) {
    var el = attrEls[attrKeys[key][0]], name = attrKeys[key][1];
    if (!el) return;
    var value = valueAt(attrs.bySlot[key], k);
    if (name === "#text") el.textContent = value; else el.setAttribute(name, value);
  }

  var state = -1;
  function show(k, full) {
    k = Math.max(0, Math.min(n - 1, k | 0));
    if (k === state && !full) return;
    if (full || state < 0) {
      texts.bySlot.forEach(function (_, slot) { setText(slot, k); });
      phases.bySlot.forEach(function (_, node) { setPhase(node, k); });
      attrs.bySlot.forEach(function (_, key) { setAttr(key, k); });
    } else {
      var lo = Math.min(state, k), hi = Math.max(state, k), seen = {}, seenPhase = {}, seenAttr = {};
      for (var s = lo + 1; s <= hi; s++) {
        texts.byState[s].forEach(function (slot) {
          if (!seen[slot]) { seen[slot] = 1; setText(slot, k); }
        });
        phases.byState[s].forEach(function (node) {
          if (!seenPhase[node]) { seenPhase[node] = 1; setPhase(node, k); }
        });
        attrs.byState[s].forEach(function (key) {
          if (!seenAttr[key]) { seenAttr[key] = 1; setAttr(key, k); }
        });
      }
    }
    if (state >= 0) mark(state, false);
    mark(k, true);
    state = k;
    root.setAttribute("data-state", String(k));
    if (slider) slider.value = String(k);
    if (count) count.textContent = (k + 1) + " / " + n;
    if (textEl) textEl.textContent = (doc.texts[k] || []).join("\n");
    if (openNode >= 0) describe(openNode);
    reveal(doc.current[k]);
  }
  function mark(k, on) {
    var cur = doc.current[k];
    if (cur >= 0 && nodeEls[cur]) {
      if (on) nodeEls[cur].setAttribute("data-current", "true");
      else nodeEls[cur].removeAttribute("data-current");
      if (opEls[cur]) opEls[cur].classList.toggle("cr-cur", on);
    }
    (doc.hot[k] || []).forEach(function (e) {
      if (edgeEls[e]) edgeEls[e].classList.toggle("cr-hot", on);
    });
  }

  // ---------------------------------------------------------- zoom, pan, keep in view
  // By default the whole graph fits the stage (the output's width, and the visible height
  // less the controls and the text), so nothing moves while stepping. Only a graph that would
  // then drop below MIN_SCALE (11 px box text under ~6.6 px, too small to read) is fitted to
  // the width alone; the stage then pans to bring each step's node into view.
  var MIN_SCALE = 0.6, MIN_STAGE = 240;
  var scale = 1, fitted = true, whole = true;
  function visibleHeight() {
    // What the reader sees at once: the panel a notebook scrolls in (JupyterLab, Notebook 7),
    // else the window; an output frame sized to its content (VS Code, Colab) says nothing of
    // the screen, so there a share of the screen's height stands in.
    for (var el = root.parentElement; el && el !== document.body; el = el.parentElement) {
      var overflow = window.getComputedStyle(el).overflowY;
      if ((overflow === "auto" || overflow === "scroll") && el.scrollHeight > el.clientHeight + 1)
        return Math.min(el.clientHeight, window.innerHeight || el.clientHeight);
    }
    if (window.self !== window.top) return Math.round(((window.screen && window.screen.availHeight) || 900) * 0.75);
    return window.innerHeight || 800;
  }
  function stageHeight() {  // the visible height less what sits above the graph
    var above = 0;
    [q(".cr-bar"), textEl].forEach(function (el) { if (el) above += el.offsetHeight + 8; });
    return Math.max(MIN_STAGE, visibleHeight() - above - 24);
  }
  function fitScale() {
    var width = scroller.clientWidth || doc.width;
    var byWidth = Math.min(1, Math.max(0.05, (width - 2) / doc.width));
    var byBoth = Math.min(byWidth, (stageHeight() - 2) / doc.height);
    whole = byBoth >= Math.min(MIN_SCALE, byWidth);
    // A drawing may ask for a floor of its own (a network view: its 12 px text stays >= 10 px).
    if (doc.minScale && (whole ? byBoth : byWidth) < doc.minScale) { whole = false; return doc.minScale; }
    return whole ? byBoth : byWidth;
  }
  function zoom(s, fit) {
    fitted = !!fit;
    if (!fitted) whole = false;
    scale = Math.max(0.05, Math.min(4, s));
    scroller.style.maxHeight = stageHeight() + "px";
    svg.style.maxWidth = "none";
    svg.style.width = (doc.width * scale) + "px";
    svg.style.height = (doc.height * scale) + "px";
    root.setAttribute("data-fit", fitted ? (whole ? "whole" : "width") : "zoomed");
    reveal(doc.current[state]);
  }
  function reveal(i) {
    if (whole || i === undefined || i < 0 || !doc.boxes[i]) return;  // all of it is in view
    var b = doc.boxes[i], margin = 20;
    var left = (b[0] - b[2] / 2) * scale, right = (b[0] + b[2] / 2) * scale;
    var top = (b[1] - b[3] / 2) * scale, bottom = (b[1] + b[3] / 2) * scale;
    var vw = scroller.clientWidth, vh = scroller.clientHeight;
    if (left < scroller.scrollLeft + margin || right > scroller.scrollLeft + vw - margin)
      scroller.scrollLeft = Math.max(0, b[0] * scale - vw / 2);
    if (top < scroller.scrollTop + margin || bottom > scroller.scrollTop + vh - margin)
      scroller.scrollTop = Math.max(0, b[1] * scale - vh / 2);
  }
  function refit() { if (fitted) zoom(fitScale(), true); }
  if (window.ResizeObserver) new ResizeObserver(refit).observe(scroller);
  window.addEventListener("resize", refit);
  scroller.addEventListener("wheel", function (ev) {
    if (!ev.ctrlKey) return;  // plain wheel scrolls the page as usual
    ev.preventDefault();
    zoom(scale * (ev.deltaY < 0 ? 1.15 : 1 / 1.15));
  }, { passive: false });
  var drag = null;
  scroller.addEventListener("pointerdown", function (ev) {
    if (ev.button !== 0) return;
    drag = { x: ev.clientX, y: ev.clientY, left: scroller.scrollLeft, top: scroller.scrollTop, moved: false };
  });
  window.addEventListener("pointermove", function (ev) {
    if (!drag) return;
    var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) { drag.moved = true; scroller.classList.add("cr-dragging"); }
    scroller.scrollLeft = drag.left - dx;
    scroller.scrollTop = drag.top - dy;
  });
  window.addEventListener("pointerup", function () {
    if (drag && drag.moved) scroller.setAttribute("data-dragged", "1");
    drag = null;
    scroller.classList.remove("cr-dragging");
  });

  // ---------------------------------------------------------- node details
  var openNode = -1;
  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c];
    });
  }
  function num(x) { return Number(x).toPrecision(4).replace(/\.?0+(e|$)/, "$1"); }
  function describe(i) {
    var node = doc.nodes[i];
    if (!node) return;
    openNode = i;
    var grad = doc.gradSlot[i] >= 0 ? valueAt(texts.bySlot[doc.gradSlot[i]], state) : "";
    var html = '<button type="button" class="cr-close" aria-label="Close">×</button>' +
      "<b>" + esc(node.name) + "</b><br>op: " + esc(node.op || "leaf (no op)") +
      "<br>data " + num(node.data) + (grad ? "<br>now: " + esc(grad) : "") +
      "<br>uses: " + node.uses + (node.uses > 1 ? " (its grad is the sum of " + node.uses + " contributions)" : "");
    if (node.locals.length) {
      html += "<br>local derivatives (stored in the forward pass):<table>";
      node.locals.forEach(function (l) {
        html += "<tr><td>d " + esc(node.name) + " / d " + esc(l[0]) + "</td><td>" + num(l[1]) + "</td></tr>";
      });
      html += "</table>";
    }
    if (node.nudges.length) {
      html += '<br>nudge ' + esc(node.name) + " by h: how the output changes" +
        '<table class="cr-nudge"><tr><th>h</th><th>predicted: d out/d ' + esc(node.name) +
        " × h</th><th>actual</th></tr>";
      node.nudges.forEach(function (r) {
        html += "<tr><td>" + num(r[0]) + "</td><td>" + num(r[1]) + "</td><td>" +
          (r[2] === null ? "undefined" : num(r[2])) + "</td></tr>";
      });
      html += "</table>";
    }
    info.innerHTML = html;
    info.hidden = false;
    info.querySelector(".cr-close").addEventListener("click", function () {
      info.hidden = true;
      openNode = -1;
      if (nodeEls[i]) nodeEls[i].focus(); else root.focus();
    });
  }
  function open(i) {  // below the graph, in the page's flow: covers no node, scrolls with the page
    describe(i);
    if (info.scrollIntoView) info.scrollIntoView({ block: "nearest" });
  }
  nodeEls.forEach(function (el, i) {
    var node = doc.nodes[i];
    el.setAttribute("tabindex", "0");
    el.setAttribute("role", "button");
    if (node) el.setAttribute("aria-label", node.name + ": show details");
    el.addEventListener("click", function () {
      if (scroller.getAttribute("data-dragged")) { scroller.removeAttribute("data-dragged"); return; }
      open(i);
    });
    el.addEventListener("keydown", function (ev) {
      if (ev.key !== "Enter" && ev.key !== " ") return;
      ev.preventDefault();
      ev.stopPropagation();
      open(i);
    });
  });

  // A drawing's element with data-details="j" opens doc.details[j] (e.g. a neuron's own
  // step-through, whose view is started here: scripts inside innerHTML do not run).
  function openDetails(el) {
    var html = (doc.details || [])[+el.getAttribute("data-details")];
    if (!html) return;
    info.innerHTML = '<button type="button" class="cr-close" aria-label="Close">×</button>' + html;
    info.hidden = false;
    info.querySelectorAll("[data-chainrule-view]").forEach(function (sub) { chainruleView(sub); });
    info.querySelector(".cr-close").addEventListener("click", function () {
      info.hidden = true;
      el.focus();
    });
    if (info.scrollIntoView) info.scrollIntoView({ block: "nearest" });
  }
  root.querySelectorAll("svg [data-details]").forEach(function (el) {
    el.setAttribute("tabindex", "0");
    el.setAttribute("role", "button");
    el.addEventListener("click", function () {
      if (scroller.getAttribute("data-dragged")) { scroller.removeAttribute("data-dragged"); return; }
      openDetails(el);
    });
    el.addEventListener("keydown", function (ev) {
      if (ev.key !== "Enter" && ev.key !== " ") return;
      ev.preventDefault();
      ev.stopPropagation();
      openDetails(el);
    });
  });

  // ---------------------------------------------------------- playing and the controls
  var timer = null;
  function interval() { return doc.interval / (speed ? +speed.value : 1); }
  function setPlaying(on) {
    if (timer) { clearInterval(timer); timer = null; }
    if (on) {
      if (state >= n - 1) show(0);
      timer = setInterval(function () {
        if (state >= n - 1) setPlaying(false); else show(state + 1);
      }, interval());
    }
    if (playButton) {
      playButton.textContent = on ? "Pause" : "Play";
      playButton.setAttribute("aria-label", on ? "Pause" : "Play");
    }
  }
  function on(sel, event, fn) { var el = q(sel); if (el) el.addEventListener(event, fn); }
  on(".cr-prev", "click", function () { setPlaying(false); show(state - 1); });
  on(".cr-next", "click", function () { setPlaying(false); show(state + 1); });
  on(".cr-play", "click", function () { setPlaying(!timer); });
  on(".cr-slider", "input", function () { setPlaying(false); show(+slider.value); });
  on(".cr-speed", "change", function () { if (timer) setPlaying(true); });
  on(".cr-in", "click", function () { zoom(scale * 1.25); });
  on(".cr-out", "click", function () { zoom(scale / 1.25); });
  on(".cr-fit", "click", function () { zoom(fitScale(), true); });
  root.addEventListener("keydown", function (ev) {
    var tag = (ev.target && ev.target.tagName) || "";
    var typing = tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA";
    var key = ev.key, handled = true;
    if (n < 2 || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    if (key === "ArrowLeft" && !typing) { setPlaying(false); show(state - 1); }
    else if (key === "ArrowRight" && !typing) { setPlaying(false); show(state + 1); }
    else if (key === "Home" && !typing) { setPlaying(false); show(0); }
    else if (key === "End" && !typing) { setPlaying(false); show(n - 1); }
    else if (key === " " && tag !== "BUTTON" && !typing) setPlaying(!timer);
    else handled = false;
    if (handled) { ev.preventDefault(); ev.stopPropagation(); }
  });

  var hint = q(".cr-nojs");
  if (hint) hint.hidden = true;
  show(doc.start, true);
  zoom(fitScale(), true);
  root.chainrule = { show: show, state: function () { return state; }, zoom: zoom };
}
