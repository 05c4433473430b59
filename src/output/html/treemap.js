/* cdu's page: reads the scan from the JSON element above, draws it as a
   squarified treemap or an icicle, and lets the reader zoom, go back up,
   switch measures and read the details of any box. Every text from the
   scan is put in with textContent, never parsed as HTML. Comments here are
   block comments only, so a check for "//" finds only real addresses. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("cdu-data").textContent);
  var FILE = 0, DIR = 1, REST = 2;
  /* Boxes drawn at most at once: enough to fill a large screen with
     readable detail, few enough to draw in a blink. */
  var MAX_DRAWN = 3000;
  var ICICLE_ROW = 24;

  var all = [];
  var root = buildTree();
  var zoom = root;
  var measure = 0;
  var view = "treemap";
  var both = data.otherMeasure !== "";
  var chart = document.getElementById("chart");
  var tip = document.getElementById("tip");
  var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;

  function node(row, parent) {
    var n = {
      name: row[0], kind: row[1], s: [row[2], row[3]], items: row[4],
      change: row.length > 6 ? row[6] : 0,
      old: row.length > 7 ? row[7] : -1,
      goneCount: row.length > 8 ? row[8] : 0,
      goneSize: row.length > 9 ? row[9] : 0,
      parent: parent, kids: [], i: all.length
    };
    all.push(n);
    if (parent) { parent.kids.push(n); }
    return n;
  }

  /* The rows come in preorder, each with its number of children. */
  function buildTree() {
    var top = node(["", DIR, 0, 0, 0, 0], null);
    top.synthetic = true;
    var stack = [[top, data.roots]];
    var rows = data.nodes;
    for (var p = 0; p < rows.length; p++) {
      while (stack.length > 1 && stack[stack.length - 1][1] === 0) { stack.pop(); }
      var frame = stack[stack.length - 1];
      frame[1]--;
      var n = node(rows[p], frame[0]);
      if (rows[p][5] > 0) { stack.push([n, rows[p][5]]); }
    }
    if (top.kids.length === 1) {
      top.kids[0].parent = null;
      return top.kids[0];
    }
    top.name = "all operands";
    top.kind = DIR;
    for (var k = 0; k < top.kids.length; k++) {
      top.s[0] += top.kids[k].s[0];
      top.s[1] += top.kids[k].s[1];
      top.items += top.kids[k].items + 1;
    }
    return top;
  }

  function group(n) {
    var s = String(Math.round(n)), out = "";
    while (s.length > 3) {
      out = "," + s.slice(-3) + out;
      s = s.slice(0, -3);
    }
    return s + out;
  }

  function human(n) {
    var units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    var u = 0;
    while (n >= 1024 && u < units.length - 1) { n /= 1024; u++; }
    if (u === 0) { return n + " B"; }
    return (n < 10 ? n.toFixed(1) : Math.round(n)) + " " + units[u];
  }

  function percent(part, whole) {
    if (!whole) { return "0%"; }
    var p = 100 * part / whole;
    return (p >= 10 || p === 0 ? p.toFixed(0) : p < 0.1 ? "<0.1" : p.toFixed(1)) + "%";
  }

  function label(n) {
    if (n.kind === REST) {
      if (n.items === 0) { return "the directory itself"; }
      return n.items === 1 ? "1 more entry" : group(n.items) + " more entries";
    }
    return n.name;
  }

  function pathOf(n) {
    var parts = [];
    for (var p = n; p && !p.synthetic; p = p.parent) {
      if (p.kind !== REST) { parts.push(p.name); }
    }
    parts.reverse();
    var path = parts.length ? parts[0] : "";
    for (var i = 1; i < parts.length; i++) {
      path += (path.charAt(path.length - 1) === "/" ? "" : "/") + parts[i];
    }
    return path;
  }

  function size(n) { return n.s[measure]; }

  function sortedKids(n) {
    return n.kids.filter(function (k) { return size(k) > 0; })
      .sort(function (a, b) { return size(b) - size(a); });
  }

  /* Colours: each branch of the zoomed directory has its own hue, paler
     the deeper it goes; with --diff, the hue says how an entry changed. */
  var CHANGE_HUES = [null, null, 0, 130, 215];
  function colour(n, branch, depth) {
    if (n.kind === REST) { return ""; }
    var light = dark ? Math.min(26 + 6 * depth, 52) : Math.min(60 + 6 * depth, 88);
    if (n.kind === FILE) { light += 4; }
    if (data.diff) {
      var hue = CHANGE_HUES[n.change];
      if (hue === null) { return "hsl(0, 0%, " + light + "%)"; }
      return "hsl(" + hue + ", 65%, " + light + "%)";
    }
    return "hsl(" + ((branch * 47 + 205) % 360) + ", 52%, " + light + "%)";
  }

  var drawn = 0;
  function addBox(n, x, y, w, h, branch, depth, withLabel) {
    var el = document.createElement("div");
    el.className = "box" + (n.kind === DIR ? " dir" : n.kind === REST ? " rest" : "") +
      (n === zoom ? " here" : "") + (n.goneCount > 0 ? " lost" : "");
    el.style.left = x + "px";
    el.style.top = y + "px";
    el.style.width = Math.max(w, 1) + "px";
    el.style.height = Math.max(h, 1) + "px";
    var c = colour(n, branch, depth);
    if (c) { el.style.background = c; }
    if (dark && n.kind !== REST) { el.style.color = "#f0f0f0"; }
    el.setAttribute("data-i", n.i);
    if (n.kind !== REST) { el.setAttribute("data-name", n.name); }
    if (withLabel && w >= 36 && h >= 14) {
      el.textContent = label(n) + " \u2014 " + human(size(n));
    }
    chart.appendChild(el);
    drawn++;
    return el;
  }

  /* Squarified layout: children in order of size are laid in strips
     along the shorter side of what is left, a strip taking children as
     long as that makes its worst aspect ratio better. */
  function squarify(kids, x, y, w, h, place) {
    var total = 0;
    for (var i = 0; i < kids.length; i++) { total += size(kids[i]); }
    if (total <= 0 || w <= 0 || h <= 0) { return; }
    var scale = w * h / total;
    var start = 0;
    while (start < kids.length) {
      var side = Math.min(w, h);
      var sum = 0, min = Infinity, max = 0, worst = Infinity, end = start;
      while (end < kids.length) {
        var a = size(kids[end]) * scale;
        var s2 = sum + a, mn = Math.min(min, a), mx = Math.max(max, a);
        var ratio = Math.max(side * side * mx / (s2 * s2), (s2 * s2) / (side * side * mn));
        if (end > start && ratio > worst) { break; }
        sum = s2; min = mn; max = mx; worst = ratio; end++;
      }
      var thick = sum / side;
      var along = 0;
      for (var k = start; k < end; k++) {
        var len = size(kids[k]) * scale / thick;
        if (w >= h) {
          place(kids[k], x, y + along, thick, len);
        } else {
          place(kids[k], x + along, y, len, thick);
        }
        along += len;
      }
      if (w >= h) { x += thick; w -= thick; } else { y += thick; h -= thick; }
      start = end;
    }
  }

  function drawTreemap(W, H) {
    /* Breadth first, so that the budget of boxes goes to the top levels. */
    var queue = [[zoom, 0, 0, W, H, 0, 0, false]];
    for (var q = 0; q < queue.length && drawn < MAX_DRAWN; q++) {
      var item = queue[q];
      var n = item[0], x = item[1], y = item[2], w = item[3], h = item[4];
      var branch = item[5], depth = item[6], split = item[7];
      var kids = n.kind === DIR ? sortedKids(n) : [];
      var head = kids.length && w >= 50 && h >= 40 ? 16 : 0;
      var pad = w >= 12 && h >= 12 ? 3 : 0;
      addBox(n, x, y, w, h, branch, depth, head > 0 || !kids.length);
      var iw = w - 2 * pad, ih = h - (head || pad) - pad;
      if (!kids.length || iw < 4 || ih < 4) { continue; }
      var index = 0;
      squarify(kids, x + pad, y + (head || pad), iw, ih, function (kid, kx, ky, kw, kh) {
        /* Hues part at the first level that has more than one box. */
        var b = split ? branch : index;
        index++;
        if (kw >= 2 && kh >= 2) {
          queue.push([kid, kx, ky, kw, kh, b, depth + 1, split || kids.length > 1]);
        }
      });
    }
  }

  function drawIcicle(W, H) {
    var levels = Math.max(1, Math.floor(H / ICICLE_ROW));
    var row = H / levels;
    var queue = [[zoom, 0, W, 0, 0, false]];
    for (var q = 0; q < queue.length && drawn < MAX_DRAWN; q++) {
      var item = queue[q];
      var n = item[0], x = item[1], w = item[2], branch = item[3], depth = item[4];
      var split = item[5];
      addBox(n, x, depth * row, w, row, branch, depth, true);
      if (n.kind !== DIR || depth + 1 >= levels || size(n) <= 0) { continue; }
      var kids = sortedKids(n), at = x;
      for (var k = 0; k < kids.length; k++) {
        var kw = w * size(kids[k]) / size(n);
        if (kw >= 1) {
          queue.push([kids[k], at, kw, split ? branch : k, depth + 1, split || kids.length > 1]);
        }
        at += kw;
      }
    }
  }

  function drawCrumbs() {
    var crumbs = document.getElementById("crumbs");
    crumbs.textContent = "";
    var chain = [];
    for (var p = zoom; p; p = p.parent) { chain.unshift(p); }
    chain.forEach(function (n, i) {
      if (i > 0) {
        var sep = document.createElement("span");
        sep.className = "sep";
        sep.textContent = "\u203a";
        crumbs.appendChild(sep);
      }
      var el = document.createElement(n === zoom ? "span" : "a");
      el.textContent = n.name;
      if (n === zoom) {
        el.className = "here";
      } else {
        el.setAttribute("role", "link");
        el.tabIndex = 0;
        el.addEventListener("click", function () { zoomTo(n); });
      }
      crumbs.appendChild(el);
    });
  }

  function draw() {
    chart.textContent = "";
    drawn = 0;
    var W = chart.clientWidth, H = chart.clientHeight;
    if (view === "treemap") { drawTreemap(W, H); } else { drawIcicle(W, H); }
    drawCrumbs();
  }

  function zoomTo(n) {
    if (n && n.kind === DIR && n !== zoom) {
      zoom = n;
      tip.hidden = true;
      draw();
    }
  }

  function boxAt(target) {
    var el = target && target.closest ? target.closest(".box") : null;
    return el ? all[Number(el.getAttribute("data-i"))] : null;
  }

  chart.addEventListener("click", function (e) {
    var n = boxAt(e.target);
    if (!n) { return; }
    if (n === zoom) { zoomTo(n.parent); } else if (n.kind === DIR) { zoomTo(n); } else { zoomTo(n.parent); }
  });

  function line(parent, text, cls) {
    var el = document.createElement("div");
    if (cls) { el.className = cls; }
    el.textContent = text;
    parent.appendChild(el);
  }

  var CHANGE_WORDS = ["", "unchanged", "grown", "shrunk", "new"];
  chart.addEventListener("mousemove", function (e) {
    var n = boxAt(e.target);
    if (!n) { tip.hidden = true; return; }
    tip.textContent = "";
    line(tip, n.kind === REST ? pathOf(n.parent) + ": " + label(n) : pathOf(n), "path");
    var names = [data.measure, data.otherMeasure];
    line(tip, names[measure] + ": " + human(size(n)) + " (" + group(size(n)) + " bytes), " +
      percent(size(n), size(root)) + " of the whole");
    if (both) {
      line(tip, names[1 - measure] + ": " + human(n.s[1 - measure]) + " (" +
        group(n.s[1 - measure]) + " bytes)");
    }
    if (n.kind === DIR) { line(tip, group(n.items) + (n.items === 1 ? " entry" : " entries") + " inside"); }
    if (n.kind === REST) {
      line(tip, n.items ? "too small to draw one by one" : "the directory's own entry");
    }
    if (data.diff && n.kind !== REST && n.change > 0) {
      var text = CHANGE_WORDS[n.change];
      if (n.old >= 0) {
        var delta = n.s[0] - n.old;
        text += ": was " + human(n.old) + ", " + (delta >= 0 ? "+" : "\u2212") + human(Math.abs(delta));
      }
      line(tip, text);
      if (n.goneCount > 0) {
        line(tip, group(n.goneCount) + " entries gone from here (" + human(n.goneSize) + ")");
      }
    }
    tip.hidden = false;
    var x = e.clientX + 14, y = e.clientY + 14;
    if (x + tip.offsetWidth > window.innerWidth) { x = Math.max(0, e.clientX - tip.offsetWidth - 14); }
    if (y + tip.offsetHeight > window.innerHeight) { y = Math.max(0, e.clientY - tip.offsetHeight - 14); }
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  });
  chart.addEventListener("mouseleave", function () { tip.hidden = true; });

  document.addEventListener("keydown", function (e) {
    if ((e.key === "Escape" || e.key === "Backspace") && zoom.parent) { zoomTo(zoom.parent); }
  });

  function press(on, off) {
    on.setAttribute("aria-pressed", "true");
    off.setAttribute("aria-pressed", "false");
  }

  var treemapButton = document.getElementById("view-treemap");
  var icicleButton = document.getElementById("view-icicle");
  treemapButton.addEventListener("click", function () { view = "treemap"; press(treemapButton, icicleButton); draw(); });
  icicleButton.addEventListener("click", function () { view = "icicle"; press(icicleButton, treemapButton); draw(); });

  function fillTable(id, rows) {
    var body = document.querySelector("#" + id + " tbody");
    body.textContent = "";
    rows.forEach(function (r) {
      var tr = document.createElement("tr");
      var td = document.createElement("td");
      var v = id === "largest" ? r[1 + measure] : r[1];
      td.textContent = human(v);
      td.title = group(v) + " bytes";
      tr.appendChild(td);
      td = document.createElement("td");
      td.className = "path";
      td.textContent = r[0];
      tr.appendChild(td);
      body.appendChild(tr);
    });
  }

  var measureButtons = [document.getElementById("measure-0"), document.getElementById("measure-1")];
  if (both) {
    document.getElementById("measures").hidden = false;
    [0, 1].forEach(function (m) {
      var b = measureButtons[m];
      b.textContent = m === 0 ? data.measure : data.otherMeasure;
      b.addEventListener("click", function () {
        measure = m;
        press(measureButtons[m], measureButtons[1 - m]);
        summary();
        fillTable("largest", data.largest);
        draw();
      });
    });
  }

  function summary() {
    var total = size(root);
    var text = human(total) + " (" + group(total) + " bytes) of " +
      (measure === 0 ? data.measure : data.otherMeasure) + " in " + group(root.items + 1) +
      (root.items === 0 ? " entry" : " entries");
    if (data.diff && data.old !== undefined) { text += ", compared with " + data.old; }
    document.getElementById("summary").textContent = text;
  }

  document.getElementById("title").textContent = root.name;
  document.title = root.name + " \u2014 cdu";
  summary();
  if (data.partial) { document.getElementById("partial").hidden = false; }
  if (data.unread > 0) {
    var unread = document.getElementById("unread");
    unread.textContent = group(data.unread) + (data.unread === 1 ? " entry" : " entries") +
      " could not be read; their sizes are not in the picture.";
    unread.hidden = false;
  }
  if (data.diff) {
    var legend = document.getElementById("legend");
    legend.hidden = false;
    [[2, "grown"], [3, "shrunk"], [4, "new"], [1, "unchanged"]].forEach(function (p) {
      var sw = document.createElement("span");
      sw.className = "swatch";
      sw.style.background = colour({ kind: DIR, change: p[0] }, 0, 1);
      legend.appendChild(sw);
      legend.appendChild(document.createTextNode(p[1]));
    });
    var lost = document.createElement("span");
    lost.className = "swatch lost-swatch";
    legend.appendChild(lost);
    legend.appendChild(document.createTextNode("holds entries now gone (listed beside)"));
    if (data.gone.length) {
      document.getElementById("gone-part").hidden = false;
      fillTable("gone", data.gone);
    }
  }
  fillTable("largest", data.largest);
  document.getElementById("footer").textContent = "Written by cdu " + data.version + " on " +
    data.written + ". Click a directory to look inside, the top box or the path above to go back up; " +
    "boxes too small to see are merged into one \u201cmore entries\u201d box per directory.";

  var pending = false;
  window.addEventListener("resize", function () {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; draw(); });
  });
  draw();
}());
