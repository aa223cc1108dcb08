// lore search: runs in the browser with no network access. The index is a set
// of scripts written by `lore export` (search/meta.js, search/t-*.js,
// search/d-*.js, search/f-*.js); each hands its data to window.LORE_SEARCH,
// so the page works opened straight from disk. A query loads only the term
// shards of its words, the document chunks of the results it shows, and the
// file of each filter it uses.
// Terms are English stems, as in `lore search` (each shard also maps the words
// that stem differently to their stem), and a query falls back as the CLI's
// does: a word found nowhere is matched within one or two typos, and when no
// document has every word, documents with any of them are shown.
(function () {
  "use strict";
  var base = window.LORE_SEARCH_BASE || "search/";
  var WEIGHTS = [1, 1.5, 2.5, 4];
  var PAGE = 50;
  var FILTERS = ["factor", "service", "severity", "status", "kind", "after", "before"];
  var meta = null, stop = {}, shardSet = {}, shards = {}, chunks = {}, field = {}, loaded = {}, sets = {};
  // The file each filter reads.
  var FILE = { kind: "kind", status: "kind", severity: "severity", factor: "factor", service: "service", after: "date", before: "date" };
  var waiting = {}, generation = 0, shown = PAGE, lastResults = [];

  window.LORE_SEARCH = {
    meta: function (m) { meta = m; init(); },
    terms: function (key, map, forms) { shards[key] = { t: map, f: forms || {} }; done("t" + key); },
    docs: function (c, rows) { chunks[c] = rows; done("d" + c); },
    field: function (name, data) { field[name] = data; done("f" + name); }
  };

  function $(id) { return document.getElementById(id); }

  function done(key) {
    loaded[key] = true;
    var cbs = waiting[key] || [];
    delete waiting[key];
    for (var i = 0; i < cbs.length; i++) cbs[i]();
  }

  // Loads a script once; calls back when its data arrived (or it failed:
  // then the data is empty). Keys: "t" + shard, "d" + chunk, "f".
  function load(key, file, cb) {
    if (loaded[key]) { cb(); return; }
    if (waiting[key]) { waiting[key].push(cb); return; }
    waiting[key] = [cb];
    var s = document.createElement("script");
    s.src = base + file;
    s.async = true;
    s.onerror = function () {
      var k = key.charAt(0), rest = key.slice(1);
      if (k === "t") shards[rest] = { t: {}, f: {} };
      else if (k === "d") chunks[rest] = [];
      else field[rest] = null;
      done(key);
    };
    document.head.appendChild(s);
  }

  function hex(str) {
    var bytes = new TextEncoder().encode(str), out = "";
    for (var i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return out;
  }

  // As the exporter keys shards: two characters, or three where it split one.
  function shardKey(term) {
    var cs = Array.from(term), three = cs.slice(0, 3).join("");
    return cs.length >= 3 && shardSet[three] ? three : cs.slice(0, 2).join("");
  }

  function tokens(text) {
    // Letters as the exporter counts them (Alphabetic, which keeps vowel
    // signs of Indic scripts) and numbers.
    return text.toLowerCase().split(/[^\p{Alphabetic}\p{N}]+/u).filter(function (w) {
      return Array.from(w).length >= 2 && !stop[w];
    });
  }

  // Words, excluded words and field filters of a query string.
  function parse(q) {
    var out = { words: [], not: [], f: {}, nf: {} };
    var parts = q.match(/-?"[^"]*"?|\S+/g) || [];
    for (var i = 0; i < parts.length; i++) {
      var p = parts[i], neg = false;
      if (p.length > 1 && p.charAt(0) === "-") { neg = true; p = p.slice(1); }
      var m = /^(factor|service|severity|status|kind|tag|after|before):(.+)$/i.exec(p);
      if (m) {
        // `-service:x` leaves out what `service:x` keeps.
        var k = m[1].toLowerCase(), v = m[2].replace(/"/g, "");
        if (k === "tag") out[neg ? "not" : "words"] = out[neg ? "not" : "words"].concat(tokens(v));
        else out[neg ? "nf" : "f"][k] = v;
        continue;
      }
      var ws = tokens(p.replace(/"/g, " "));
      out[neg ? "not" : "words"] = out[neg ? "not" : "words"].concat(ws);
    }
    return out;
  }

  function controls() {
    var f = {};
    FILTERS.forEach(function (k) { var el = $("f-" + k); if (el && el.value) f[k] = el.value; });
    return f;
  }

  // The documents of one factor or service (by its index), decoded once.
  function docSet(name, i) {
    var key = name + i;
    if (!sets[key]) {
      var list = (field[name] || [])[i] || [], set = {}, doc = 0;
      for (var j = 0; j < list.length; j++) { doc += list[j]; set[doc] = true; }
      sets[key] = set;
    }
    return sets[key];
  }

  // Day number (days since 1970-01-01) of the first or last day of
  // "YYYY", "YYYY-MM" or "YYYY-MM-DD".
  function day(s, last) {
    var m = /^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?/.exec(s);
    if (!m) return null;
    var y = +m[1], mo = m[2] ? +m[2] - 1 : (last ? 11 : 0);
    var d = m[3] ? +m[3] : (last ? new Date(Date.UTC(y, mo + 1, 0)).getUTCDate() : 1);
    return Math.floor(Date.UTC(y, mo, d) / 86400000);
  }

  // Whether document n passes the filters (their files are loaded).
  function docPasses(n, f) {
    var ks = field.kind;
    if (f.kind && (!ks || ks[0].charAt(n) !== f.kind.charAt(0).toLowerCase())) return false;
    if (f.status && (!ks || ks[1].charAt(n) !== f.status.charAt(0).toLowerCase())) return false;
    if (f.severity) {
      var c = (field.severity || "").charAt(n), idx = c && c !== "-" ? parseInt(c, 36) : -1;
      var sev = idx >= 0 ? meta.severities[idx] : "";
      if (!sev || sev.toLowerCase() !== f.severity.toLowerCase()) return false;
    }
    if (f.factor) {
      var want = f.factor.toLowerCase(), hit = false;
      for (var i = 0; i < meta.factors.length && !hit; i++) {
        var fac = meta.factors[i];
        if ((fac[0].toLowerCase() === want || fac[1].toLowerCase() === want) && docSet("factor", i)[n]) hit = true;
      }
      if (!hit) return false;
    }
    if (f.service) {
      var sw = f.service.toLowerCase(), sh = false;
      for (var j = 0; j < meta.services.length && !sh; j++) {
        if (meta.services[j].toLowerCase() === sw && docSet("service", j)[n]) sh = true;
      }
      if (!sh) return false;
    }
    if (f.after || f.before) {
      var dn = (field.date || [])[n];
      if (dn === undefined || dn < 0) return false;
      if (f.after && dn < day(f.after, false)) return false;
      if (f.before && dn > day(f.before, true)) return false;
    }
    return true;
  }

  // The stem of a word as the index has it (null when no document has it).
  function stemOf(word) {
    var sh = shards[shardKey(word)];
    if (!sh) return null;
    if (Object.prototype.hasOwnProperty.call(sh.f, word)) return sh.f[word];
    return Object.prototype.hasOwnProperty.call(sh.t, word) ? word : null;
  }

  function termsOf(stem) { var sh = shards[shardKey(stem)]; return sh ? sh.t : {}; }

  // Endings tried when no document has the word as typed: "deploying"
  // finds "deploy", "rotating" the stem of "rotate".
  var ENDINGS = ["ations", "ation", "ments", "ment", "ings", "ing", "ers", "er", "ied", "ies", "ed", "es", "s", "ly"];

  // The stems a word stands for, with a weight: its own stem; else the
  // word without a common ending; and the stems of the words it begins
  // (typing "failo" finds "failover").
  function resolve(word) {
    var terms = [], seen = {};
    var own = stemOf(word);
    if (own !== null) { terms.push([own, 1]); seen[own] = true; }
    var sh = shards[shardKey(word)];
    if (own === null && sh) {
      for (var e = 0; e < ENDINGS.length && !terms.length; e++) {
        var end = ENDINGS[e];
        if (word.length - end.length < 3 || word.slice(-end.length) !== end) continue;
        var base = word.slice(0, -end.length);
        var cands = [base, base + "e", base + "y"];
        for (var c = 0; c < cands.length; c++) {
          var st = stemOf(cands[c]);
          if (st !== null && !seen[st]) { seen[st] = true; terms.push([st, 0.9]); break; }
        }
      }
    }
    if (sh && Array.from(word).length >= 3) {
      var add = function (w, stem) {
        if (!seen[stem] && w !== word && w.lastIndexOf(word, 0) === 0) { seen[stem] = true; terms.push([stem, 0.7]); }
      };
      for (var t in sh.t) { add(t, t); if (terms.length > 60) break; }
      for (var f in sh.f) { add(f, sh.f[f]); if (terms.length > 60) break; }
    }
    return terms;
  }

  // The shards the stems of these words (and of their typo corrections)
  // live in that are not loaded yet.
  function stemShards(words) {
    var more = {};
    var want = function (stem) { var key = shardKey(stem); if (!(key in shards) && shardSet[key]) more[key] = true; };
    words.forEach(function (w) {
      var own = resolve(w);
      own.forEach(function (t) { want(t[0]); });
      // A typo is looked for only when the word itself stands for no stem
      // (a correction scans the whole shard).
      var c = own.length ? null : corrected(w);
      if (c) resolve(c).forEach(function (t) { want(t[0]); });
    });
    return Object.keys(more);
  }

  // Whether some document has a stem the word stands for.
  function known(word) {
    return resolve(word).some(function (t) { return (termsOf(t[0])[t[0]] || []).length > 0; });
  }

  // doc number -> score for one word.
  function postings(word) {
    var out = {}, n = meta.count, terms = resolve(word);
    for (var i = 0; i < terms.length; i++) {
      var list = termsOf(terms[i][0])[terms[i][0]];
      if (!list) continue;
      var doc = 0;
      var idf = Math.log(1 + n / list.length);
      for (var j = 0; j < list.length; j++) {
        doc += list[j] >> 2;
        var s = WEIGHTS[list[j] & 3] * idf * terms[i][1];
        if (!(doc in out) || out[doc] < s) out[doc] = s;
      }
    }
    return out;
  }

  function run() {
    if (!meta) return;
    var q = $("q").value;
    var parsed = parse(q);
    var f = controls();
    for (var k in parsed.f) f[k] = parsed.f[k];
    var words = parsed.words, not = parsed.not, nf = parsed.nf;
    var gen = ++generation;
    var need = {};
    words.concat(not).forEach(function (w) { var key = shardKey(w); if (shardSet[key]) need[key] = true; });
    var go = function () {
      if (gen !== generation) return;
      // Each filter's file loads only when the filter is set.
      var files = {};
      Object.keys(f).concat(Object.keys(nf)).forEach(function (k) { if (FILE[k]) files[FILE[k]] = true; });
      var names = Object.keys(files), left = names.length;
      if (!left) { compute(q, words, not, f, nf); return; }
      names.forEach(function (name) {
        load("f" + name, "f-" + name + ".js", function () {
          if (--left === 0 && gen === generation) compute(q, words, not, f, nf);
        });
      });
    };
    // Then the shards of stems that begin differently from their word.
    var stems = function () { loadAll(stemShards(words.concat(not)), go); };
    loadAll(Object.keys(need), stems);
  }

  function loadAll(keys, then) {
    var left = keys.length;
    if (!left) { then(); return; }
    keys.forEach(function (key) {
      load("t" + key, "t-" + hex(key) + ".js", function () { if (--left === 0) then(); });
    });
  }

  // How many edits a typed word may be from an indexed one (as the CLI).
  function typos(word) { var n = Array.from(word).length; return n <= 3 ? 0 : n <= 7 ? 1 : 2; }

  // Edits (insert, delete, change, swap of neighbours) from a to b, or
  // max + 1 once it is certain to be more than max.
  function distance(a, b, max) {
    a = Array.from(a); b = Array.from(b);
    if (Math.abs(a.length - b.length) > max) return max + 1;
    var pp = null, prev = [], i, j;
    for (j = 0; j <= b.length; j++) prev[j] = j;
    for (i = 1; i <= a.length; i++) {
      var cur = [i], best = i;
      for (j = 1; j <= b.length; j++) {
        var c = a[i - 1] === b[j - 1] ? 0 : 1;
        var v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + c);
        if (pp && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, pp[j - 2] + 1);
        cur[j] = v;
        if (v < best) best = v;
      }
      if (best > max) return max + 1;
      pp = prev; prev = cur;
    }
    return prev[b.length];
  }

  // The indexed word closest to a word no document has, within its typos.
  function corrected(word) {
    var max = typos(word), sh = shards[shardKey(word)];
    if (!max || !sh) return null;
    var best = null, bestD = max + 1, bestN = 0;
    var consider = function (w, stem) {
      var d = distance(word, w, max);
      var n = (sh.t[stem] || termsOf(stem)[stem] || []).length;
      if (d < bestD || (d === bestD && n > bestN)) { best = w; bestD = d; bestN = n; }
    };
    for (var t in sh.t) consider(t, t);
    for (var f in sh.f) consider(f, sh.f[f]);
    return bestD <= max ? best : null;
  }

  function and(words) {
    var scores = null;
    for (var i = 0; i < words.length; i++) {
      var p = postings(words[i]), next = {};
      if (scores === null) next = p;
      else for (var d in scores) if (d in p) next[d] = scores[d] + p[d];
      scores = next;
    }
    return scores;
  }

  function or(words) {
    var scores = {};
    words.forEach(function (w) { var p = postings(w); for (var d in p) scores[d] = (scores[d] || 0) + p[d]; });
    return scores;
  }

  function compute(q, words, not, f, nf) {
    var results = [];
    var negs = Object.keys(nf || {});
    var anyFilter = Object.keys(f).length > 0 || negs.length > 0;
    var passes = function (n) {
      if (Object.keys(f).length && !docPasses(n, f)) return false;
      for (var i = 0; i < negs.length; i++) {
        var one = {};
        one[negs[i]] = nf[negs[i]];
        if (docPasses(n, one)) return false;
      }
      return true;
    };
    if (!words.length && !anyFilter) {
      lastResults = [];
      status(q.trim() ? "No searchable words in “" + q + "”." : "Type words or pick a filter.");
      render([], []);
      return;
    }
    // Typos first: a word no document has is replaced by the closest one.
    var notes = [];
    words = words.map(function (w) {
      if (known(w)) return w;
      var c = corrected(w);
      if (c) { notes.push("“" + w + "” → “" + c + "”"); return c; }
      return w;
    });
    var scores = and(words), anyWord = false;
    if (words.length > 1 && scores && !Object.keys(scores).length) { scores = or(words); anyWord = true; }
    var excluded = {};
    not.forEach(function (w) { var p = postings(w); for (var d in p) excluded[d] = true; });
    if (scores === null) {
      for (var n = 0; n < meta.count; n++) if (!excluded[n] && passes(n)) results.push([n, 0]);
    } else {
      for (var key in scores) {
        var num = +key;
        if (!excluded[num] && passes(num)) results.push([num, scores[key]]);
      }
      results.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    }
    lastResults = results;
    shown = PAGE;
    var label = results.length === 1 ? "1 result" : results.length + " results";
    var text = label + (q.trim() ? " for “" + q.trim() + "”" : "");
    if (notes.length) text += " (no document has the word as typed; showing " + notes.join(", ") + ")";
    if (anyWord && results.length) text += ": no document has every word, these have some of them";
    if (!results.length) {
      text = "Nothing matches “" + q.trim() + "”. Check the spelling, use fewer or other words" +
        (anyFilter ? ", or clear a filter" : "") + "; field filters such as factor: and service: narrow a search.";
    }
    status(text);
    render(results, words);
    remember(q);
  }

  function status(text) { $("search-status").textContent = text; }

  function remember(q) {
    try {
      var params = new URLSearchParams();
      if (q.trim()) params.set("q", q.trim());
      var f = controls();
      for (var k in f) params.set(k, f[k]);
      var s = params.toString();
      history.replaceState(null, "", s ? "?" + s : window.location.pathname);
    } catch (e) { /* some browsers refuse for file: URLs; the results still show */ }
  }

  function highlight(el, text, words) {
    if (!words.length) { el.textContent = text; return; }
    var esc = words.map(function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); });
    var re = new RegExp("(" + esc.join("|") + ")", "giu");
    var last = 0, m;
    while ((m = re.exec(text)) !== null) {
      if (m.index > last) el.appendChild(document.createTextNode(text.slice(last, m.index)));
      var mark = document.createElement("mark");
      mark.textContent = m[0];
      el.appendChild(mark);
      last = m.index + m[0].length;
      if (m[0].length === 0) re.lastIndex++;
    }
    if (last < text.length) el.appendChild(document.createTextNode(text.slice(last)));
  }

  function render(results, words) {
    var ol = $("results");
    while (ol.firstChild) ol.removeChild(ol.firstChild);
    var slice = results.slice(0, shown);
    slice.forEach(function (r) {
      var li = document.createElement("li");
      li.className = "result";
      ol.appendChild(li);
      var chunk = Math.floor(r[0] / meta.chunk);
      load("d" + chunk, "d-" + chunk + ".js", function () {
        var row = (chunks[chunk] || [])[r[0] - chunk * meta.chunk];
        if (!row || li.firstChild) return;
        var d = row[3];
        var a = document.createElement("a");
        a.href = row[0];
        a.className = "result-title";
        highlight(a, row[1], words);
        li.appendChild(a);
        var m = document.createElement("div");
        m.className = "result-meta";
        var bits = [];
        if (d[0]) bits.push(d[0]);
        bits.push(d[1].charAt(0) === "p" ? "postmortem" : "runbook");
        if (d[2] >= 0) bits.push(meta.severities[d[2]]);
        if (d[5]) bits.push("near miss");
        var st = { p: "published", r: "review", d: "draft" }[d[1].charAt(1)];
        if (st && st !== "published") bits.push(st);
        if (d[4].length) bits.push(d[4].map(function (s) { return meta.services[s]; }).join(", "));
        m.textContent = bits.join(" · ");
        li.appendChild(m);
        var p = document.createElement("p");
        p.className = "result-sum";
        highlight(p, row[2] || "", words);
        li.appendChild(p);
      });
    });
    if (results.length > shown) {
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button";
      b.className = "more-btn";
      b.textContent = "Show " + Math.min(PAGE, results.length - shown) + " more";
      b.addEventListener("click", function () { shown += PAGE; render(lastResults, words); });
      li.appendChild(b);
      ol.appendChild(li);
    }
  }

  function init() {
    (meta.stop || []).forEach(function (w) { stop[w] = true; });
    (meta.shards || []).forEach(function (k) { shardSet[k] = true; });
    var params = new URLSearchParams(window.location.search);
    $("q").value = params.get("q") || "";
    FILTERS.forEach(function (k) { var el = $("f-" + k); if (el && params.get(k)) el.value = params.get(k); });
    var timer = null;
    $("q").addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 40); });
    FILTERS.forEach(function (k) { var el = $("f-" + k); if (el) el.addEventListener("change", run); });
    $("search-form").addEventListener("submit", function (e) { e.preventDefault(); run(); });
    status("Type words or pick a filter.");
    run();
    $("q").focus();
  }
})();
