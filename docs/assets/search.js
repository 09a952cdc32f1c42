/* Search, driven by Pagefind (index built by hooks/briefdesk/search.py into site/pagefind/).
 *
 * - The header box (partials/search.html) on every page: results as you type. Nothing of
 *   the search engine is downloaded until the box is focused or typed in: pagefind.js, its
 *   WebAssembly and index chunks are imported then, from a URL relative to the page, so the
 *   site works from any static file server and any folder. The box searches when typing
 *   pauses (not for every prefix: each search fetches the index chunks of its words), from
 *   two letters on; it fetches a result's fragment only once the result is in view; and it
 *   searches the words already complete while the reader types the next one, which fetches
 *   chunks the whole query needs anyway and warms the engine up.
 * - The search page (search/): query, facets (topic, place, year, outlet) and sort, kept
 *   in the URL (?q=…&topic=…&place=…&year=…&outlet=…&sort=date) so a search can be cited.
 * - On a briefing opened from a result (?pagefind-highlight=word…), the words are marked.
 *
 * The index comes in parts (pagefind/bd-search.json lists them, newest briefings first; see
 * hooks/briefdesk/search.py): each query asks the newest part first and shows its results,
 * then asks the older parts together and merges their results in, by score (or by date,
 * the parts being runs of briefings by date). What reaches the browser before the first
 * result is one part's, however large the archive.
 */
(function () {
  "use strict";

  var box = document.querySelector("[data-bd-search]");
  if (!box) return;
  var ROOT = new URL(box.getAttribute("data-bd-root") || "./", location.href);
  var BUNDLE = new URL(box.getAttribute("data-bd-pagefind") || "pagefind/", location.href).href;
  var SEARCH_PAGE = new URL("search/", ROOT).href;
  var HL = "pagefind-highlight";
  var FACETS = [["topic", "Topic"], ["place", "Place"], ["year", "Year"], ["outlet", "Outlet"]];
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];
  var loading = null;

  /* ------------------------------------------------------------------ the engine */

  function engine() {
    if (!loading) {
      loading = fetch(BUNDLE + "bd-search.json").then(function (r) {
        if (!r.ok) throw new Error("no search index");
        return r.json();
      }).then(function (manifest) {
        var names = manifest.parts || [];
        if (!names.length) return federation(null, [], manifest);
        return import(BUNDLE + names[0] + "pagefind.js").then(function (pf) {
          return federation(pf, names, manifest);
        });
      });
      loading.catch(function () { loading = null; });
    }
    return loading;
  }

  /* The parts of the index, each a Pagefind instance of its own, created when first asked:
     a reader who searches once pays for the newest part, then for the others. The older
     parts are created only once the newest has answered: they share its WebAssembly, which
     two instances starting together would each set up (and the second would replace the
     first's). */
  function federation(pf, names, manifest) {
    var made = [];
    function part(i) {
      if (!made[i]) {
        made[i] = pf.createInstance({ basePath: BUNDLE + names[i], baseUrl: ROOT.pathname, highlightParam: HL, excerptLength: EXCERPT_WORDS });
      }
      return made[i];
    }
    var fed = {
      parts: names.length,
      part: part,
      /* onUpdate(view, final) is called with the results so far: after the newest part, then
         after the older ones, which are asked once the first call's promise (if it returns
         one) has settled: the first results are shown before anything else is fetched.
         current(), when given, says whether the query is still the one wanted: once a
         newer query has replaced it (the reader typed on), the older parts are not asked
         for it, which would fetch their engines and metadata while the newer query waits.
         Resolves to the last view. */
      search: function (q, opts, onUpdate, current) {
        var answers = [], checks = [], ws = names.length > 1 ? queryWords(q) : [];
        function view() { return merge(answers, opts && opts.sort); }
        if (!names.length) {
          var empty = view();
          if (onUpdate) onUpdate(empty, true);
          return Promise.resolve(empty);
        }
        function ask(i) {
          // Pagefind skips a word its index does not hold: a part without one of the query's
          // words would answer for the others alone. Which words each part holds (a search
          // per word, filtered to nothing: a count, no results) drops such a part's answer
          // once another part holds the word, as one index over every briefing would.
          var answered = part(i).search(q, opts).then(function (s) { answers[i] = s; });
          checks[i] = Promise.all(ws.map(function (w) {
            return part(i).search(w, NOTHING).then(function (c) { return c.unfilteredResultCount > 0; });
          }));
          return answered;
        }
        return ask(0).then(function () {
          var shown = onUpdate ? onUpdate(view(), names.length === 1) : null;
          if (names.length === 1) return view();
          return Promise.resolve(shown).catch(function () {}).then(function () {
            if (current && !current()) return view();
            var rest = [];
            for (var i = 1; i < names.length; i++) rest.push(ask(i));
            return Promise.all(rest.concat(checks)).then(function (all) {
              checks.forEach(function (_, i) { answers[i].has = all[rest.length + i]; });
              var v = view();
              if (onUpdate) onUpdate(v, true);
              return v;
            });
          });
        });
      },
      /* The newest part only: to fetch the chunks a query will need while the reader types. */
      warm: function (q) {
        return names.length ? part(0).search(q) : Promise.resolve(null);
      },
      filters: function () {
        if (!names.length) return Promise.resolve({});
        return part(0).filters().then(function (first) {
          var all = [first];
          for (var i = 1; i < names.length; i++) all.push(part(i).filters());
          return Promise.all(all).then(sumFilters);
        });
      }
    };
    if (names.length) warmUp(part(0), manifest.warmup);
    return fed;
  }

  /* The parts' answers as one: results by score (Pagefind merges its own merged indexes so),
     or, sorted by date, part after part (each part is a run of dates, newest part first);
     filter counts summed. Each result keeps a key unique across parts. */
  function merge(answers, sort) {
    var results = [], filters = [], parts = 0, known = [];
    answers.forEach(function (s) {
      (s && s.has || []).forEach(function (h, k) { known[k] = known[k] || h; });
    });
    answers.forEach(function (s, i) {
      if (!s) return;
      parts++;
      if (s.has && s.has.some(function (h, k) { return known[k] && !h; })) return;  // lacks a word others hold
      filters.push(s.filters || {});
      s.results.forEach(function (r, j) {
        results.push({ key: i + ":" + r.id, part: i, rank: j, score: r.score, data: r.data });
      });
    });
    if (!(sort && sort.date)) {
      results.sort(function (a, b) { return b.score - a.score || a.part - b.part || a.rank - b.rank; });
    }
    return { results: results, filters: sumFilters(filters), parts: parts };
  }

  var NOTHING = { filters: { "bd-none": "none" } };  // no page has this filter: a count, no results

  /* The words of a query as Pagefind splits them, when the answer depends on each (two or
     more, and not an "exact phrase"). */
  function queryWords(q) {
    if (!q || /^\s*".+"\s*$/.test(q)) return [];
    var words = q.trim().split(/\s+/);
    return words.length > 1 ? words : [];
  }

  function sumFilters(list) {
    var out = {};
    list.forEach(function (f) {
      Object.keys(f || {}).forEach(function (name) {
        var into = out[name] || (out[name] = {});
        Object.keys(f[name]).forEach(function (v) { into[v] = (into[v] || 0) + f[name][v]; });
      });
    });
    return out;
  }

  /* The engine's first query is about twice as slow as the next ones (WebAssembly not yet
     optimised), whatever the words: search one common word, chosen by the build for its small
     index chunk in the newest part (hooks/briefdesk/search.py, choose_warmup), while the
     reader starts typing. Not on the search page, whose first query is in its URL. */
  function warmUp(part, term) {
    if (document.querySelector("[data-bd-search-page]")) return;
    if (typeof term === "string" && term) part.search(term).catch(function () {});
  }

  /* ------------------------------------------------------------------ rendering */

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  /* A result's excerpt, from the article's own paragraphs only. Pagefind indexes the whole
     briefing page's content, which holds besides the article the header box, the topic,
     place and actor chips and the hidden list of other spellings (render.py): they find and
     rank the briefing, but its own excerpt, the window with the most weight, falls on the
     chips (weighted above the body). The article's paragraphs (<p id="pN">) are anchors in
     the fragment, each with its first word's position and its text, so the excerpt here is
     the stretch of EXCERPT_WORDS words inside one paragraph with the most weight of matches,
     the matches marked; when no paragraph holds a match (a label or a spelling found the
     briefing), the article's opening words. Words are escaped: nothing becomes markup. */
  var EXCERPT_WORDS = 28;
  var EXCERPT_LEAD = 6;  // words shown before the first match
  function paragraphs(d) {
    return (d.anchors || []).filter(function (a) {
      return a.element === "p" && /^p\d+$/.test(a.id) && a.text;
    }).map(function (a) {
      return { start: a.location, end: a.location + a.text.split(/\s+/).filter(Boolean).length };
    });
  }
  function articleExcerpt(d) {
    var paras = paragraphs(d);
    if (!paras.length) return "";
    var words = String(d.raw_content != null ? d.raw_content : d.content || "").split(" ");
    var weight = {};
    (d.weighted_locations || []).forEach(function (w) {
      weight[w.location] = (weight[w.location] || 0) + (w.balanced_score || 1);
    });
    (d.locations || []).forEach(function (l) { if (!(l in weight)) weight[l] = 1; });
    var at = Object.keys(weight).map(Number).sort(function (a, b) { return a - b; });
    var p0 = paras[0];
    var best = { start: p0.start, end: Math.min(p0.end, p0.start + EXCERPT_WORDS), score: 0, para: p0 };
    paras.forEach(function (p) {
      var inside = at.filter(function (l) { return l >= p.start && l < p.end; });
      inside.forEach(function (first) {
        var start = Math.max(p.start, Math.min(first - EXCERPT_LEAD, p.end - EXCERPT_WORDS));
        var end = Math.min(p.end, start + EXCERPT_WORDS);
        var score = 0;
        inside.forEach(function (l) { if (l >= start && l < end) score += weight[l]; });
        if (score > best.score) best = { start: start, end: end, score: score, para: p };
      });
    });
    var out = [];
    for (var i = best.start; i < best.end && i < words.length; i++) {
      out.push(i in weight ? "<mark>" + esc(words[i]) + "</mark>" : esc(words[i]));
    }
    return (best.start > best.para.start ? "…" : "") + out.join(" ") + (best.end < best.para.end ? "…" : "");
  }

  function formatDate(iso) {
    if (!iso) return "Date not stated";
    var p = iso.split("-");
    if (p.length === 3) return +p[2] + " " + MONTHS[+p[1] - 1] + " " + p[0];
    if (p.length === 2) return MONTHS[+p[1] - 1] + " " + p[0];
    return p[0];
  }

  function itemHtml(d) {
    var m = d.meta || {};
    var f = d.filters || {};
    var info = [formatDate(m.date)];
    if (m.outlet) info.push(m.outlet);
    var chips = (f.topic || []).map(function (t) { return '<span class="bd-sr__chip">' + esc(t) + "</span>"; });
    return '<li class="md-search-result__item bd-sr"><a href="' + esc(d.url) + '" class="md-search-result__link bd-sr__link">' +
      '<article class="md-search-result__article md-typeset">' +
      '<h1 class="bd-sr__title">' + esc(m.title || d.url) + "</h1>" +
      '<p class="bd-sr__info">' + esc(info.join(" · ")) + "</p>" +
      '<p class="bd-sr__excerpt">' + articleExcerpt(d) + "</p>" +
      (chips.length ? '<p class="bd-sr__chips">' + chips.join(" ") + "</p>" : "") +
      "</article></a></li>";
  }

  function countText(n) {
    return n === 0 ? "No matching briefings" : n === 1 ? "1 matching briefing" : n.toLocaleString("en") + " matching briefings";
  }

  function pageLink(state) {
    var u = new URL(SEARCH_PAGE);
    if (state.q) u.searchParams.set("q", state.q);
    FACETS.forEach(function (f) {
      (state[f[0]] || []).forEach(function (v) { u.searchParams.append(f[0], v); });
    });
    if (state.sort === "date") u.searchParams.set("sort", "date");
    return u.href;
  }

  /* ------------------------------------------------------------------ the header box */

  var toggle = document.getElementById("__search");
  var input = box.querySelector("[data-bd-search-input]");
  var form = box.querySelector("form");
  var list = box.querySelector("[data-bd-search-list]");
  var meta = box.querySelector("[data-bd-search-meta]");
  var share = box.querySelector("[data-bd-search-share]");
  var onSearchPage = !!document.querySelector("[data-bd-search-page]");
  var seq = 0;
  var HEADER_MAX = 8;   // results listed in the box; the search page has them all
  var MIN_CHARS = 2;    // one letter matches too much to be worth its index chunks
  var PAUSE_MS = 90;    // search once typing pauses: each search fetches the chunks of its words
  var typing = null;
  var warmed = {};

  function open(on) {
    if (toggle && toggle.checked !== on) toggle.checked = on;
  }

  /* A placeholder per result; a result's fragment (title, excerpt, chips) is fetched only
     when its placeholder is in view, so a query costs the index chunks of its words and the
     fragments of the results a reader can see. Resolves once the first visible ones are shown. */
  function lazyResults(ol, results, current, memo) {
    memo = memo || { data: {}, html: {} };
    ol.innerHTML = results.map(function (r, i) {
      return memo.html[r.key] ||  // shown before this update of the list (results from older parts came in)
        '<li class="md-search-result__item bd-sr bd-sr--pending" data-bd-i="' + i + '" aria-hidden="true"></li>';
    }).join("");
    var pending = Array.prototype.slice.call(ol.querySelectorAll(".bd-sr--pending"));
    if (!pending.length) return Promise.resolve();
    return new Promise(function (resolve) {
      var first = true;
      var seen = new IntersectionObserver(function (entries) {
        var loads = [];
        entries.forEach(function (e) {
          if (!e.isIntersecting) return;
          var li = e.target;
          seen.unobserve(li);
          var r = results[+li.getAttribute("data-bd-i")];
          var data = memo.data[r.key] || (memo.data[r.key] = r.data());
          loads.push(data.then(function (d) {
            memo.html[r.key] = itemHtml(d);
            if (current() && li.parentNode) li.outerHTML = memo.html[r.key];
          }));
        });
        if (!current()) seen.disconnect();
        if (first) { first = false; Promise.all(loads).then(resolve, resolve); }
      });
      pending.forEach(function (li) { seen.observe(li); });
    });
  }

  function headerInput() {
    var q = input.value.trim();
    share.href = pageLink({ q: q });
    clearTimeout(typing);
    seq++;  // results still on their way are for an older query
    if (!q) {
      list.innerHTML = "";
      meta.textContent = "Type to search the briefings";
      return;
    }
    if (q.length < MIN_CHARS) {
      list.innerHTML = "";
      meta.textContent = "Keep typing…";
      return;
    }
    // The words before the last are complete: search them while the reader types on. That
    // fetches their index chunks (which the full query needs too) and warms the engine up, so
    // the full query, once typing pauses, is answered sooner. Nothing is shown for it.
    var complete = input.value.replace(/^\s+/, "").split(/\s+/).slice(0, -1).join(" ");
    if (complete && !warmed[complete]) {
      warmed[complete] = true;
      engine().then(function (fed) { return fed.warm(complete); }).catch(function () {});
    }
    typing = setTimeout(headerSearch, PAUSE_MS);
  }

  function headerSearch() {
    var n = ++seq;
    var q = input.value.trim();
    function current() { return n === seq; }
    var memo = { data: {}, html: {} };  // fragments already fetched, across the updates of this query
    engine().then(function (fed) {
      return fed.search(q, {}, function (s, final) {
        if (!current()) return;
        var shown = s.results.slice(0, HEADER_MAX);
        return lazyResults(list, shown, current, memo).then(function () {
          if (!current()) return;
          // once the first results are in view; until every part has answered, a count so far
          var n = s.results.length;
          meta.textContent = final ? countText(n) : countText(n) + " so far; searching older briefings…";
          if (final && n > HEADER_MAX) {
            list.insertAdjacentHTML("beforeend", '<li class="md-search-result__item bd-sr__all"><a class="md-search-result__link" href="' +
              esc(pageLink({ q: q })) + '"><article class="md-search-result__article">All ' + n.toLocaleString("en") +
              " results, with filters →</article></a></li>");
          }
        });
      }, current);
    }).catch(function () {
      if (current()) meta.textContent = "Search is unavailable (its index could not be loaded).";
    });
  }

  if (input && form && list) {
    input.addEventListener("focus", function () { open(true); engine(); });
    input.addEventListener("input", headerInput);
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { open(false); input.blur(); }
      else if (ev.key === "ArrowDown") {
        var first = list.querySelector("a");
        if (first) { ev.preventDefault(); first.focus(); }
      }
    });
    list.addEventListener("keydown", function (ev) {
      var links = Array.prototype.slice.call(list.querySelectorAll("a"));
      var i = links.indexOf(document.activeElement);
      if (i < 0) return;
      if (ev.key === "ArrowDown" && i < links.length - 1) { ev.preventDefault(); links[i + 1].focus(); }
      else if (ev.key === "ArrowUp") { ev.preventDefault(); (i ? links[i - 1] : input).focus(); }
      else if (ev.key === "Escape") { open(false); }
    });
    form.addEventListener("submit", function (ev) {  // Enter: the full results, on the search page
      ev.preventDefault();
      location.href = pageLink({ q: input.value.trim() });
    });
    form.addEventListener("reset", function () {
      setTimeout(function () { headerInput(); input.focus(); }, 0);
    });
    if (toggle) {
      toggle.addEventListener("change", function () {  // the magnifier button on phones
        if (toggle.checked) input.focus(); else input.blur();
      });
    }
    document.addEventListener("keydown", function (ev) {  // "/" or "s" starts a search, as in Material
      var t = ev.target;
      if (ev.ctrlKey || ev.metaKey || ev.altKey || (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)))) return;
      if (ev.key === "/" || ev.key === "s" || ev.key === "f") {
        ev.preventDefault();
        if (onSearchPage) document.querySelector("[data-bd-search-page] input").focus();
        else { open(true); input.focus(); }
      }
    });
  }

  /* ------------------------------------------------------------------ the search page */

  var PAGE_SIZE = 20;

  function readState() {
    var p = new URLSearchParams(location.search);
    var st = { q: (p.get("q") || "").trim(), sort: p.get("sort") === "date" ? "date" : "" };
    FACETS.forEach(function (f) { st[f[0]] = p.getAll(f[0]).filter(Boolean); });
    return st;
  }

  function searchPage(root) {
    var state = readState();
    root.innerHTML =
      '<form class="bd-sp__form" role="search" action="" method="get">' +
      '<label class="bd-sp__q"><span>Words</span><input type="search" name="q" autocomplete="off" ' +
      'placeholder="e.g. border trade, Hyesan, Kim Jong Un" value="' + esc(state.q) + '"></label>' +
      FACETS.map(function (f) {
        return '<label class="bd-sp__facet"><span>' + f[1] + '</span><select name="' + f[0] + '" data-facet="' + f[0] + '">' +
          '<option value="">Any ' + f[1].toLowerCase() + "</option></select></label>";
      }).join("") +
      '<label class="bd-sp__facet"><span>Sort</span><select name="sort"><option value="">Relevance</option>' +
      '<option value="date">Date (newest first)</option></select></label>' +
      "</form>" +
      '<p class="bd-sp__status" aria-live="polite" data-status></p>' +
      '<ol class="md-search-result__list bd-sp__results" data-results></ol>' +
      '<p><button type="button" class="md-button bd-sp__more" data-more hidden>Show more results</button></p>';
    var q = root.querySelector("input[name=q]");
    var sortSel = root.querySelector("select[name=sort]");
    var status = root.querySelector("[data-status]");
    var results = root.querySelector("[data-results]");
    var more = root.querySelector("[data-more]");
    var selects = {};
    FACETS.forEach(function (f) { selects[f[0]] = root.querySelector('select[data-facet="' + f[0] + '"]'); });
    sortSel.value = state.sort;
    var shown = 0, current = null, n = 0, totals = {};

    function fillFacets(counts) {
      FACETS.forEach(function (f) {
        var sel = selects[f[0]];
        var chosen = state[f[0]];
        var values = Object.keys(totals[f[0]] || {});
        chosen.forEach(function (v) { if (values.indexOf(v) < 0) values.push(v); });
        values.sort(function (a, b) {
          return f[0] === "year" ? (b > a ? 1 : b < a ? -1 : 0) : a.localeCompare(b, "en");
        });
        var c = (counts && counts[f[0]]) || totals[f[0]] || {};
        sel.innerHTML = '<option value="">Any ' + f[1].toLowerCase() + "</option>" + values.map(function (v) {
          return '<option value="' + esc(v) + '"' + (chosen.indexOf(v) >= 0 ? " selected" : "") + ">" + esc(v) +
            " (" + (c[v] || 0).toLocaleString("en") + ")</option>";
        }).join("");
      });
    }

    function filters() {
      var out = {};
      FACETS.forEach(function (f) { if (state[f[0]].length) out[f[0]] = { any: state[f[0]] }; });
      return out;
    }

    function showMore(count) {
      var mine = n, cur = current;
      var memo = current.memo || {};
      var slice = current.results.slice(shown, shown + (typeof count === "number" ? count : PAGE_SIZE));
      return Promise.all(slice.map(function (r) { return memo[r.key] || (memo[r.key] = r.data()); })).then(function (data) {
        if (mine !== n || cur !== current) return;  // a newer search, or this one's next update
        results.insertAdjacentHTML("beforeend", data.map(itemHtml).join(""));
        shown += slice.length;
        more.hidden = shown >= current.results.length;
      });
    }

    function run(push) {
      var mine = ++n;
      var url = pageLink(state);
      if (url !== location.href) history[push ? "pushState" : "replaceState"](null, "", url);
      var active = Object.keys(filters()).length;
      document.title = (state.q ? "“" + state.q + "” – " : "") + document.title.replace(/^“.*?” – /, "");
      if (!state.q && !active) {
        results.innerHTML = "";
        more.hidden = true;
        status.textContent = "Type words to search, or choose a topic, place, year or outlet.";
        fillFacets(null);
        return;
      }
      status.textContent = "Searching…";
      var memo = {};  // fragments already fetched, across the updates of this search
      engine().then(function (fed) {
        var opts = { filters: filters() };
        if (state.sort === "date") opts.sort = { date: "desc" };
        // the newest part's results first, then all of them: each time the list restarts from
        // the top (fragments already fetched are not fetched again)
        return fed.search(state.q || null, opts, function (s, final) {
          if (mine !== n) return;
          current = s;
          current.memo = memo;
          var keep = Math.max(PAGE_SIZE, shown);
          shown = 0;
          results.innerHTML = "";
          fillFacets(s.filters);
          return showMore(keep).then(function () {  // the count appears once the first results are shown
            if (mine !== n || current !== s) return;
            status.textContent = countText(s.results.length) + (final ? "" : " so far") + (state.q ? " for “" + state.q + "”" : "") +
              (active ? " (filtered)" : "") + (state.sort === "date" ? ", newest first" : "") +
              (final ? "" : "; searching older briefings…");
          });
        }, function () { return mine === n; });
      }).catch(function () {
        if (mine === n) status.textContent = "Search is unavailable (its index could not be loaded).";
      });
    }

    var typing = null;
    q.addEventListener("input", function () {
      clearTimeout(typing);
      typing = setTimeout(function () { state.q = q.value.trim(); run(false); }, 120);
    });
    root.querySelector("form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      state.q = q.value.trim();
      run(true);
    });
    FACETS.forEach(function (f) {
      selects[f[0]].addEventListener("change", function () {
        state[f[0]] = selects[f[0]].value ? [selects[f[0]].value] : [];
        run(true);
      });
    });
    sortSel.addEventListener("change", function () { state.sort = sortSel.value; run(true); });
    more.addEventListener("click", function () { showMore(); });
    window.addEventListener("popstate", function () {
      state = readState();
      q.value = state.q;
      sortSel.value = state.sort;
      run(false);
    });

    input.value = state.q;
    engine().then(function (fed) { return fed.filters(); }).then(function (all) {
      totals = all || {};
      run(false);
    }).catch(function () { status.textContent = "Search is unavailable (its index could not be loaded)."; });
    if (!state.q) q.focus();
  }

  var page = document.querySelector("[data-bd-search-page]");
  if (page) searchPage(page);

  /* ------------------------------------------------------------------ highlight on arrival */

  function highlight() {
    var params = new URLSearchParams(location.search);
    var words = [];
    params.getAll(HL).forEach(function (v) {
      v.split(/\s+/).forEach(function (w) { w = w.replace(/[^\p{L}\p{N}]/gu, ""); if (w.length > 1) words.push(w); });
    });
    var body = document.querySelector("[data-pagefind-body]");
    if (!words.length || !body) return;
    var source = "(^|[^\\p{L}\\p{N}])(" + words.map(function (w) {
      return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }).join("|") + ")[\\p{L}\\p{N}]*";
    var re = new RegExp(source, "giu"), probe = new RegExp(source, "iu");
    var walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        var el = node.parentElement;
        return el && !el.closest("script, style, mark, [hidden], .bd-cite, .headerlink") && probe.test(node.data)
          ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT;
      }
    });
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    nodes.forEach(function (node) {
      var text = node.data, frag = document.createDocumentFragment(), pos = 0, m;
      re.lastIndex = 0;
      while ((m = re.exec(text))) {
        var start = m.index + m[1].length;
        frag.appendChild(document.createTextNode(text.slice(pos, start)));
        var mark = document.createElement("mark");
        mark.className = "bd-hl";
        mark.textContent = text.slice(start, re.lastIndex);
        frag.appendChild(mark);
        pos = re.lastIndex;
      }
      frag.appendChild(document.createTextNode(text.slice(pos)));
      node.parentNode.replaceChild(frag, node);
    });
    var first = body.querySelector("mark.bd-hl");
    if (first && !location.hash) first.scrollIntoView({ block: "center" });
  }

  highlight();
})();
