/* chainrule graph view: shows state k of a graph document that Python prepared.
 *
 * The page holds the SVG (laid out once by Graphviz), and the states as JSON: which text
 * slot changes to what at each state, each state's current node, highlighted edges and
 * arithmetic. Moving from state a to b rewrites only the slots that change between them.
 * No dependencies, no network.
 *
 * The generic parts are functions of their own, for any view on this front end:
 * chainruleTheme (follow the host's light or dark theme), chainruleKeys (keys that reach the
 * view before a notebook's shortcuts), chainruleFit (the scale that fits, never making text
 * smaller than MIN_TEXT_PX), chainruleVisibleHeight, chainruleHideCompanion (the no-script
 * picture output that a trusted view replaces) and chainruleDetails (the node details panel).
 * chainruleView(root) wires them to one graph. */

var CHAINRULE_MIN_TEXT_PX = 6.6;  // 0.6 of the 11 px box text: nothing is drawn smaller by a fit

/* Light or dark, as the host says: JupyterLab's data-jp-theme-light on <body> (whatever the
 * system prefers), VS Code's body class, else the system's prefers-color-scheme. Sets
 * data-theme="light"|"dark" on root now and whenever the host changes theme. */
function chainruleTheme(root) {
  function dark() {
    var body = document.body, light = body ? body.getAttribute("data-jp-theme-light") : null;
    if (light === "true" || light === "false") return light === "false";
    if (body && body.classList.contains("vscode-dark")) return true;
    if (body && body.classList.contains("vscode-light")) return false;
    return !!(window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches);
  }
  function apply() { root.setAttribute("data-theme", dark() ? "dark" : "light"); }
  apply();
  if (window.MutationObserver && document.body)
    new MutationObserver(apply).observe(document.body, { attributes: true, attributeFilter: ["data-jp-theme-light", "class"] });
  if (window.matchMedia) {
    var query = window.matchMedia("(prefers-color-scheme: dark)");
    if (query.addEventListener) query.addEventListener("change", apply);
  }
}

/* Keys for the view, seen before the host's own shortcuts: Notebook 7 and JupyterLab handle
 * arrows, Home, End and Space on the document (moving between cells) before an output sees
 * them. A capturing listener on the window runs first; it acts only when the focus is inside
 * root and handle(event) returns true, and then stops the event there. */
function chainruleKeys(root, handle) {
  function onKey(ev) {
    if (!root.isConnected) { window.removeEventListener("keydown", onKey, true); return; }
    var active = document.activeElement;
    var where = ev.target && ev.target.nodeType === 1 ? ev.target : active;
    // A view opened inside this one's details (a neuron's step-through) takes its own keys.
    var owner = where && where.closest ? where.closest("[data-chainrule-view]") : null;
    var inside = owner === root;
    if (!inside || !handle(ev)) return;
    ev.preventDefault();
    ev.stopPropagation();
    if (ev.stopImmediatePropagation) ev.stopImmediatePropagation();
  }
  window.addEventListener("keydown", onKey, true);
  root.setAttribute("data-lm-suppress-shortcuts", "true");  // Lumino's own opt-out, too
}

/* What the reader sees at once: the panel a notebook scrolls in (JupyterLab, Notebook 7),
 * else the window; an output frame sized to its content (VS Code, Colab) says nothing of the
 * screen, so there a share of the screen's height stands in. */
function chainruleVisibleHeight(root) {
  for (var el = root.parentElement; el && el !== document.body; el = el.parentElement) {
    var overflow = window.getComputedStyle(el).overflowY;
    if ((overflow === "auto" || overflow === "scroll") && el.scrollHeight > el.clientHeight + 1)
      return Math.min(el.clientHeight, window.innerHeight || el.clientHeight);
  }
  if (window.self !== window.top) return Math.round(((window.screen && window.screen.availHeight) || 900) * 0.75);
  return window.innerHeight || 800;
}

/* The scale for a drawing of size (width, height) in a box (boxWidth, boxHeight): the whole
 * drawing when that keeps its smallest text (minFont px) at CHAINRULE_MIN_TEXT_PX (or a
 * drawing's own minTextPx, e.g. 10 for a network view) or more;
 * else as much of it as that floor allows, whichever side limits (the stage then pans).
 * Returns {scale, mode}: "whole", "width" (the width fits, the height pans) or "floor"
 * (both pan); never above 1. */
function chainruleFit(width, height, boxWidth, boxHeight, minFont, minTextPx) {
  var floor = Math.min(1, (minTextPx || CHAINRULE_MIN_TEXT_PX) / (minFont || 11));
  var byWidth = Math.min(1, Math.max(0.01, boxWidth / width));
  var byBoth = Math.min(byWidth, Math.max(0.01, boxHeight / height));
  if (byBoth >= floor) return { scale: byBoth, mode: "whole" };
  if (byWidth >= floor) return { scale: floor, mode: "width" };
  return { scale: floor, mode: "floor" };
}

/* In a notebook the picture for readers without scripts is an image output just before the
 * view's own output (an untrusted notebook shows it; HTML there is sanitized); a view whose
 * script runs hides it. */
function chainruleHideCompanion(root) {
  var output = root.closest(".jp-OutputArea-child, .output_area");
  var before = output && output.previousElementSibling;
  if (before && before.querySelector("img") && !before.querySelector("[data-chainrule-view]")) {
    before.style.display = "none";
    before.setAttribute("data-chainrule-companion", "hidden");
  }
}

/* The details panel below the graph: open(html, returnFocus) fills and shows it, close()
 * hides it and gives the focus back; Escape closes it. It is not a live region (stepping
 * would re-announce it): what changes with the state lives in [data-live] spans that the
 * caller updates. */
function chainruleDetails(root, panel) {
  var back = null;
  function close() {
    if (panel.hidden) return false;
    panel.hidden = true;
    if (back && back.isConnected) back.focus(); else root.focus();
    return true;
  }
  function open(html, returnFocus) {
    back = returnFocus || null;
    panel.innerHTML = '<button type="button" class="cr-close" aria-label="Close details">×</button>' + html;
    panel.hidden = false;
    panel.querySelector(".cr-close").addEventListener("click", close);
  }
  return { open: open, close: close, isOpen: function () { return !panel.hidden; } };
}

function chainruleView(root) {
  "use strict";
  if (!root || root.getAttribute("data-ready")) return;
  root.setAttribute("data-ready", "true");
  var doc = JSON.parse(root.querySelector("script.cr-data").textContent);
  var n = doc.states;
  chainruleTheme(root);
  var q = function (sel) { return root.querySelector(sel); };
  var scroller = q(".cr-scroll");
  var template = q("script.cr-svg");  // a notebook output keeps the SVG here (see view.py)
  if (template) scroller.innerHTML = template.textContent;
  if (doc.companion) chainruleHideCompanion(root);
  if (doc.bar) root.insertAdjacentHTML("afterbegin", doc.bar);  // controls only with a script
  var svg = q("svg.cr-graph"), textEl = q(".cr-text"), info = q(".cr-info");
  var slider = q(".cr-slider"), playButton = q(".cr-play");
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
    var lo = 0, hi = (list || []).length - 1, found = "";
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (list[mid][0] <= k) { found = list[mid][2]; lo = mid + 1; } else hi = mid - 1;
    }
    return found;
  }
  function slotText(slot, k) { return slot >= 0 ? valueAt(texts.bySlot[slot], k) : ""; }
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
      // The picture was drawn at another state (the one shown without a script): unmark it.
      root.querySelectorAll('[data-current="true"]').forEach(function (el) { el.removeAttribute("data-current"); });
      root.querySelectorAll(".cr-hot, .cr-cur").forEach(function (el) { el.classList.remove("cr-hot", "cr-cur"); });
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
      mark(state, false);
    }
    mark(k, true);
    state = k;
    root.setAttribute("data-state", String(k));
    if (slider) slider.value = String(k);
    if (count) count.textContent = (k + 1) + " / " + n;
    if (textEl) textEl.textContent = (doc.texts[k] || []).join("\n");
    if (openNode >= 0) refreshDetails();
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
  // less the controls and the step text), so nothing moves while stepping; where that would
  // shrink text below CHAINRULE_MIN_TEXT_PX the stage fits the width, or keeps that floor,
  // and pans to bring each step's node into view.
  var MIN_STAGE = 240;
  var scale = 1, fitted = true, whole = true;
  function textReserve() {  // the tallest step text at this width, up to 40% of the screen
    if (!textEl || !doc.texts.length) return 0;
    var most = 0, saved = textEl.textContent, cap = 0.4 * chainruleVisibleHeight(root);
    textEl.style.minHeight = "0";
    var seen = {};
    for (var k = 0; k < doc.texts.length && most < cap; k++) {
      var t = (doc.texts[k] || []).join("\n");
      if (seen[t.length]) continue;  // same length, about the same height: skip the layout
      seen[t.length] = 1;
      textEl.textContent = t;
      most = Math.max(most, textEl.offsetHeight);
    }
    textEl.textContent = saved;
    most = Math.min(most, cap);
    textEl.style.minHeight = most ? Math.max(0, most - 10) + "px" : "0";  // less its padding
    return most;
  }
  function stageHeight() {  // the visible height less what sits around the graph
    var bar = q(".cr-bar");
    var around = (bar ? bar.offsetHeight + 8 : 0) + textReserve() + 8;
    return Math.max(MIN_STAGE, chainruleVisibleHeight(root) - around - 24);
  }
  function fitScale() {
    var fit = chainruleFit(doc.width, doc.height, (scroller.clientWidth || doc.width) - 2,
                           stageHeight() - 2, doc.minFont, doc.minTextPx);
    whole = fit.mode === "whole";
    root.setAttribute("data-fit", fit.mode);
    return fit.scale;
  }
  function zoom(s, fit) {
    fitted = !!fit;
    if (!fitted) { whole = false; root.setAttribute("data-fit", "zoomed"); }
    scale = Math.max(0.05, Math.min(4, s));
    scroller.style.maxHeight = (fitted ? stageHeight() : Math.max(MIN_STAGE, scroller.clientHeight)) + "px";
    svg.style.maxWidth = "none";
    svg.style.width = (doc.width * scale) + "px";
    svg.style.height = (doc.height * scale) + "px";
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
  var fittedTo = "";  // the width and visible height of the last fit: refit when they change
  function refit() {
    var to = scroller.clientWidth + "x" + chainruleVisibleHeight(root);
    if (!fitted || to === fittedTo) return;
    fittedTo = to;
    zoom(fitScale(), true);
  }
  if (window.ResizeObserver) new ResizeObserver(refit).observe(scroller);
  window.addEventListener("resize", refit);
  // A notebook lays out its panel after the output is attached: look again shortly.
  [150, 600, 1500].forEach(function (ms) { setTimeout(refit, ms); });
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
  var details = chainruleDetails(root, info);
  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c];
    });
  }
  function num(x) { return Number(x).toPrecision(4).replace(/\.?0+(e|$)/, "$1"); }
  function rowText(i, kind) {  // a node's row of this kind as the graph shows it now
    return slotText(doc.rowSlots[i] ? doc.rowSlots[i][kind] : -1, state);
  }
  function refreshDetails() {  // only what changes with the state; the panel is not rebuilt
    info.querySelectorAll("[data-live]").forEach(function (el) {
      var kind = el.getAttribute("data-live");
      el.textContent = kind === "state" ? (state + 1) + " of " + n : rowText(openNode, kind);
    });
  }
  function describe(i) {
    var node = doc.nodes[i];
    if (!node) return;
    openNode = i;
    var html = "<b>" + esc(node.name) + "</b><br>op: " + esc(node.op || "leaf (no op)") +
      '<br>now (state <span data-live="state"></span>): <span data-live="data"></span>' +
      (doc.rowSlots[i] && doc.rowSlots[i].grad >= 0 ? ', <span data-live="grad"></span>' : "") +
      "<br>uses: " + node.uses + (node.uses > 1 ? " (its grad is the sum of " + node.uses + " contributions)" : "");
    if (node.locals.length) {
      html += "<br>local derivatives (stored in the forward pass):<table>";
      node.locals.forEach(function (l) {
        html += "<tr><td>d " + esc(node.name) + " / d " + esc(l[0]) + "</td><td>" + num(l[1]) + "</td></tr>";
      });
      html += "</table>";
    }
    if (node.nudges.length) {
      html += '<br>nudge ' + esc(node.name) + " by h: how the output changes, predicted with its final grad " +
        num(node.grad) + " (the end of backward)" +
        '<table class="cr-nudge"><tr><th>h</th><th>predicted: d out/d ' + esc(node.name) +
        " × h</th><th>actual</th></tr>";
      node.nudges.forEach(function (r) {
        html += "<tr><td>" + num(r[0]) + "</td><td>" + num(r[1]) + "</td><td>" +
          (r[2] === null ? "undefined" : num(r[2])) + "</td></tr>";
      });
      html += "</table>";
    }
    details.open(html, nodeEls[i]);
    refreshDetails();
  }
  info.addEventListener("click", function (ev) {
    if (ev.target && ev.target.classList && ev.target.classList.contains("cr-close")) openNode = -1;
  });
  function open(i) {  // below the graph, in the page's flow: covers no node, scrolls with the page
    describe(i);
    if (info.scrollIntoView) info.scrollIntoView({ block: "nearest" });
  }
  nodeEls.forEach(function (el, i) {
    var node = doc.nodes[i];
    el.setAttribute("tabindex", "0");
    el.setAttribute("role", "button");
    // Its name is what it shows (label, data, grad: read from the text, so always current).
    if (node) el.setAttribute("aria-description", "shows details of " + node.name);
    el.addEventListener("click", function () {
      if (scroller.getAttribute("data-dragged")) { scroller.removeAttribute("data-dragged"); return; }
      open(i);
    });
  });

  // A drawing's element with data-details="j" opens doc.details[j] in the details panel (e.g.
  // a neuron's own step-through, started here: scripts inside innerHTML do not run).
  function openDetails(el) {
    var html = (doc.details || [])[+el.getAttribute("data-details")];
    if (!html) return;
    openNode = -1;
    details.open(html, el);
    info.querySelectorAll("[data-chainrule-view]").forEach(function (sub) { chainruleView(sub); });
    if (info.scrollIntoView) info.scrollIntoView({ block: "nearest" });
  }
  root.querySelectorAll("svg [data-details]").forEach(function (el) {
    el.setAttribute("tabindex", "0");
    el.setAttribute("role", "button");
    el.setAttribute("aria-description", "shows its own step-through");
    el.addEventListener("click", function () {
      if (scroller.getAttribute("data-dragged")) { scroller.removeAttribute("data-dragged"); return; }
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
  // "More" (a narrow view's speed and zoom, view.css): a disclosure button, its panel below
  // it over the graph; Escape or a tap outside the bar closes it.
  var more = q(".cr-more");
  function setMore(open) { if (more) more.setAttribute("aria-expanded", open ? "true" : "false"); }
  function moreOpen() { return !!more && more.getAttribute("aria-expanded") === "true"; }
  on(".cr-more", "click", function () { setMore(!moreOpen()); });
  root.addEventListener("pointerdown", function (ev) {
    if (moreOpen() && !q(".cr-bar").contains(ev.target)) setMore(false);
  });
  chainruleKeys(root, function (ev) {
    var target = ev.target || {}, tag = target.tagName || "";
    var typing = tag === "INPUT" && target.type !== "range" || tag === "SELECT" || tag === "TEXTAREA";
    var key = ev.key;
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return false;
    if (key === "Escape" && moreOpen()) {
      setMore(false);
      more.focus();
      return true;
    }
    if (key === "Escape") {
      if (!details.isOpen()) return false;
      details.close();
      openNode = -1;
      return true;
    }
    if ((key === "Enter" || key === " ") && target.getAttribute && target.getAttribute("data-i") !== null) {
      open(+target.getAttribute("data-i"));
      return true;
    }
    if ((key === "Enter" || key === " ") && target.getAttribute && target.getAttribute("data-details") !== null) {
      openDetails(target);
      return true;
    }
    if (n < 2 || typing) return false;
    if (key === "ArrowLeft" || key === "ArrowDown" && tag === "INPUT") { setPlaying(false); show(state - 1); }
    else if (key === "ArrowRight" || key === "ArrowUp" && tag === "INPUT") { setPlaying(false); show(state + 1); }
    else if (key === "Home") { setPlaying(false); show(0); }
    else if (key === "End") { setPlaying(false); show(n - 1); }
    else if (key === " " && tag !== "BUTTON") setPlaying(!timer);
    else return false;
    return true;
  });

  var hint = q(".cr-nojs");
  if (hint) hint.hidden = true;
  show(doc.start, true);
  zoom(fitScale(), true);
  fittedTo = scroller.clientWidth + "x" + chainruleVisibleHeight(root);
  root.chainrule = { show: show, state: function () { return state; }, zoom: zoom, scale: function () { return scale; } };
}
