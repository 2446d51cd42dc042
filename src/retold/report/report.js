"use strict";
// retold report: search, filters, passage linking and views rendered on demand.
// Only enhances the page: everything listed reads without it. Untrusted text is only
// ever written through textContent (never innerHTML), and only http(s) URLs are linked.
(() => {
  const dataNode = document.getElementById("retold-data");
  const data = dataNode ? JSON.parse(dataNode.textContent) : {};
  // Documents without a view in the page: metadata by column (one array per field, a row per
  // document), text and boilerplate for those within the size budget.
  const columns = data.documents || { number: [] };
  const texts = data.texts || {};
  const docPairs = data.docPairs || {};
  const storyAnchors = data.storyAnchors || {};
  const rowOf = new Map(columns.number.map((number, row) => [String(number), row]));
  function docRecord(number) {
    const row = rowOf.get(String(number));
    if (row === undefined) return null;
    const record = {};
    for (const [name, values] of Object.entries(columns)) record[name] = values[row];
    Object.assign(record, texts[number] || {});
    record.pairs = docPairs[number] || [];
    record.storyAnchor = record.story === null ? null : storyAnchors[record.story] || null;
    return record;
  }
  const lazyPairs = data.pairs || {};
  const pairIndex = data.pairIndex || {};
  const paths = data.paths || [];
  const KINDS = new Set(["verbatim", "edited", "reworded"]);
  const LABELS = new Set(["duplicate", "reprint", "rewrite", "partial", "same_story"]);
  const MAX_MORE_DOCS = 50;

  function el(tag, className, content) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined && content !== null) node.textContent = String(content);
    return node;
  }
  function anchor(fragment, content) {
    const a = el("a", "", content);
    a.setAttribute("href", "#" + fragment);
    return a;
  }
  function bidi(content) {
    return el("bdi", "", content === undefined || content === null ? "" : content);
  }
  function label(name) {
    return el("span", "label " + (LABELS.has(name) ? name : ""), name);
  }
  function append(parent, ...children) {
    for (const child of children) parent.append(child);
    return parent;
  }

  // The same cutting rule as markup.marked_text: pieces between span boundaries, each wrapped on its own.
  function markedText(pre, raw, highlights, boilerplate, reasons, cut) {
    const bounds = new Set([0, raw.length]);
    for (const h of highlights) {
      bounds.add(Math.min(h.start, raw.length));
      bounds.add(Math.min(h.end, raw.length));
    }
    for (const [start, end] of boilerplate) {
      bounds.add(Math.min(start, raw.length));
      bounds.add(Math.min(end, raw.length));
    }
    const cuts = [...bounds].sort((x, y) => x - y);
    const seen = new Set();
    for (let i = 0; i + 1 < cuts.length; i++) {
      const left = cuts[i];
      const right = cuts[i + 1];
      if (left === right) continue;
      let node = document.createTextNode(raw.slice(left, right));
      const h = highlights.find((x) => x.start <= left && right <= x.end);
      if (h) {
        const mark = el("mark", "hl " + (KINDS.has(h.kind) ? h.kind : ""));
        mark.append(node);
        const a = anchor(h.target);
        a.className = "psg";
        a.dataset.passage = String(h.passage);
        if (!seen.has(h.passage)) {
          seen.add(h.passage);
          a.id = h.anchor;
        }
        a.append(mark);
        node = a;
      }
      const k = boilerplate.findIndex(([start, end]) => start <= left && right <= end);
      if (k >= 0) {
        const span = el("span", "bp");
        span.title = "boilerplate: " + (reasons[k] || "boilerplate");
        span.append(node);
        node = span;
      }
      pre.append(node);
    }
    if (cut > 0) pre.append(el("span", "cut", `[… ${cut.toLocaleString()} more characters not shown]`));
  }

  function docLink(number) {
    const doc = docRecord(number);
    const id = doc ? doc.id : (document.querySelector(`#doc-${number} dd bdi`) || {}).textContent;
    return append(anchor("doc-" + number), bidi(id === undefined ? "document " + number : id));
  }

  function renderDoc(number) {
    const doc = docRecord(number);
    if (!doc) return null;
    const section = el("section", "doc view lazy");
    section.id = "doc-" + number;
    section.dataset.kind = "doc";
    append(section, append(el("h3"), bidi(doc.title || doc.id)));
    const meta = el("dl", "docmeta");
    const field = (name, value) => {
      if (value === null || value === undefined || value === "") return;
      append(meta, el("dt", "", name), append(el("dd"), value instanceof Node ? value : bidi(value)));
    };
    field("id", doc.id);
    field("title", doc.title);
    field("date", doc.date || el("span", "note", "no date"));
    field("outlet", doc.outlet);
    field("byline", doc.byline);
    if (doc.url) {
      if (doc.link && /^https?:\/\//i.test(doc.url)) {
        const a = el("a", "external");
        a.href = doc.url.trim();
        a.rel = "noopener noreferrer nofollow";
        a.append(bidi(doc.url));
        field("url", a);
      } else {
        field("url", append(el("span"), bidi(doc.url), el("span", "note", " (not linked: not an http(s) address)")));
      }
    }
    const path = paths[doc.path || 0];
    field("file", doc.location ? `${path} (${doc.location})` : path);
    section.append(meta);
    const links = el("p", "links");
    if (doc.story !== null && doc.story !== undefined) {
      const name = String(doc.story + 1);
      append(links, "story: ", doc.storyAnchor ? anchor(doc.storyAnchor, name) : name);
    }
    const reachable = doc.pairs;
    if (reachable.length || doc.pairCount) {
      if (links.childNodes.length) links.append(" · ");
      links.append("related: ");
      reachable.forEach((pairNumber, k) => {
        const [a, b, pairLabel, pairAnchor] = pairIndex[pairNumber] || [];
        const other = String(a) === String(number) ? b : a;
        if (k) links.append(", ");
        const otherDoc = docRecord(other);
        const name = otherDoc ? otherDoc.id : "pair " + (Number(pairNumber) + 1);
        append(links, pairAnchor ? anchor(pairAnchor, name) : name, " ", label(pairLabel));
      });
    }
    if ((doc.pairCount || 0) > reachable.length) {
      links.append(` (${reachable.length} of ${doc.pairCount} pairs listed in this report; all are in pairs.jsonl)`);
    }
    if (links.childNodes.length) section.append(links);
    const boilerplate = doc.bp || [];
    const boilerplateChars = boilerplate.reduce((sum, [start, end]) => sum + end - start, 0);
    section.append(
      el(
        "p",
        "note",
        typeof doc.text === "string"
          ? `${(doc.chars || 0).toLocaleString()} characters; boilerplate (greyed): ${boilerplate.length} span(s), ` +
              `${boilerplateChars.toLocaleString()} characters · rendered on demand`
          : `${(doc.chars || 0).toLocaleString()} characters · rendered on demand`,
      ),
    );
    if (typeof doc.text === "string") {
      const pre = el("pre", "text");
      pre.dir = "auto";
      markedText(pre, doc.text, [], boilerplate, doc.bpr || [], doc.cut || 0);
      section.append(pre);
    } else {
      section.append(el("p", "note budget", "Text not included in this report (size budget); see the file above."));
    }
    document.getElementById("lazy-docs").append(section);
    return section;
  }

  function renderPair(number) {
    const pair = lazyPairs[number];
    if (!pair) return null;
    const a = docRecord(pair.a);
    const b = docRecord(pair.b);
    if (!a || !b || typeof a.text !== "string" || typeof b.text !== "string") return null;
    const section = el("section", "pair view lazy");
    section.id = "pair-" + number;
    section.dataset.kind = "pair";
    section.dataset.label = pair.label;
    section.dataset.a = a.id;
    section.dataset.b = b.id;
    append(section, append(el("h3"), docLink(pair.a), " ↔ ", docLink(pair.b), " ", label(pair.label)));
    const verdict = el("p", "verdict");
    if (pair.source === null || pair.source === undefined) {
      append(verdict, "direction: ", el("b", "", "not determined"));
    } else {
      const derived = pair.source === pair.a ? pair.b : pair.a;
      append(verdict, "direction: ", append(el("b"), docLink(pair.source)), " → ", docLink(derived));
    }
    const [jaccard, containmentA, containmentB, alignedA, alignedB] = pair.scores;
    const pct = (x) => `${Math.round(x * 100)}%`;
    verdict.append(
      ` · confidence ${pair.confidence.toFixed(2)} · Jaccard ${jaccard.toFixed(2)} · containment ` +
        `${containmentA.toFixed(2)} / ${containmentB.toFixed(2)} · aligned ${pct(alignedA)} / ${pct(alignedB)}`,
    );
    if (pair.story !== null && pair.story !== undefined) {
      const name = String(pair.story + 1);
      append(verdict, " · story: ", pair.storyAnchor ? anchor(pair.storyAnchor, name) : name);
    }
    section.append(verdict);
    const reasons = el("ul", "reasons");
    for (const reason of pair.reasons) reasons.append(el("li", "", reason));
    section.append(reasons);
    const left = pair.source === null || pair.source === undefined ? pair.a : pair.source;
    const right = left === pair.a ? pair.b : pair.a;
    const sides = el("div", "sides");
    for (const docNumber of [left, right]) {
      const side = docNumber === pair.a ? "a" : "b";
      const otherSide = side === "a" ? "b" : "a";
      const doc = docNumber === pair.a ? a : b;
      const highlights = pair.passages.map(([as, ae, bs, be, kind], k) => ({
        start: side === "a" ? as : bs,
        end: side === "a" ? ae : be,
        kind,
        passage: k,
        anchor: `pair-${number}-${side}-${k}`,
        target: `pair-${number}-${otherSide}-${k}`,
      }));
      const box = el("div", "side side-" + side);
      box.dataset.doc = doc.id;
      const heading = append(el("h4"), docLink(docNumber));
      if (pair.source !== null && pair.source !== undefined) heading.append(" ", el("span", "role", docNumber === pair.source ? "source" : "derived"));
      box.append(heading);
      box.append(append(el("p", "meta"), bidi(doc.title || ""), " · ", doc.date || "no date"));
      const pre = el("pre");
      pre.dir = "auto";
      markedText(pre, doc.text, highlights, doc.bp || [], doc.bpr || [], doc.cut || 0);
      box.append(pre);
      sides.append(box);
    }
    section.append(sides);
    document.getElementById("lazy-pairs").append(section);
    return section;
  }

  // A link to a view beyond the budget renders it first.
  function reveal(hash) {
    if (!hash || hash.length < 2) return;
    let id;
    try {
      id = decodeURIComponent(hash.slice(1));
    } catch {
      return;
    }
    let target = document.getElementById(id);
    if (!target) {
      const docMatch = /^doc-(\d+)$/.exec(id);
      const pairMatch = /^pair-(\d+)(?:-[ab]-\d+)?$/.exec(id);
      if (docMatch) renderDoc(docMatch[1]);
      if (pairMatch) renderPair(pairMatch[1]);
      target = document.getElementById(id);
    }
    if (target) {
      if (target.hidden) target.hidden = false;
      target.scrollIntoView({ block: "start" });
    }
  }
  window.addEventListener("hashchange", () => reveal(location.hash));

  // Passages: pointing at one lights it up on both sides.
  function activate(event) {
    const link = event.target instanceof Element ? event.target.closest("a.psg") : null;
    if (!link) return;
    const section = link.closest("section.pair");
    if (!section) return;
    for (const old of document.querySelectorAll("a.psg.active")) old.classList.remove("active");
    for (const piece of section.querySelectorAll(`a.psg[data-passage="${link.dataset.passage}"]`)) {
      piece.classList.add("active");
    }
  }
  document.addEventListener("mouseover", activate);
  document.addEventListener("focusin", activate);

  // Search and filters.
  const tools = document.getElementById("tools");
  const search = document.getElementById("search");
  const quoteStatus = document.getElementById("quote-status");
  const status = document.getElementById("filter-status");
  const moreDocs = document.getElementById("more-docs");
  const textOf = new WeakMap();
  const docTextOf = new Map();
  const COUNTED = [
    ["story-row", "stories"],
    ["pair-row", "pairs"],
    ["quote", "quotations"],
    ["doc-row", "documents"],
  ];

  // A table row matches on its own cells and on its view's text (in the page, or embedded).
  function lowerText(node) {
    let value = textOf.get(node);
    if (value === undefined) {
      value = node.textContent;
      const viewId = node.dataset.view;
      const view = viewId ? document.getElementById(viewId) : null;
      if (view) {
        value += " " + view.textContent;
      } else if (viewId && viewId.startsWith("doc-") && texts[viewId.slice(4)]) {
        value += " " + texts[viewId.slice(4)].text;
      } else if (viewId && viewId.startsWith("pair-") && lazyPairs[viewId.slice(5)]) {
        const pair = lazyPairs[viewId.slice(5)];
        value += " " + ((texts[pair.a] || {}).text || "") + " " + ((texts[pair.b] || {}).text || "");
      }
      value = value.toLowerCase();
      textOf.set(node, value);
    }
    return value;
  }

  function applyFilters() {
    if (!tools) return;
    const terms = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    const labels = new Set([...tools.querySelectorAll("input[name=pair-label]:checked")].map((box) => box.value));
    const wanted = quoteStatus.value;
    const shown = {};
    const total = {};
    for (const item of document.querySelectorAll("[data-kind]")) {
      const kind = item.dataset.kind;
      let visible = true;
      if (item.dataset.label !== undefined && !labels.has(item.dataset.label)) visible = false;
      if (visible && kind === "quote" && wanted && !item.dataset.status.split(" ").includes(wanted)) visible = false;
      if (visible && terms.length) {
        const haystack = lowerText(item);
        visible = terms.every((term) => haystack.includes(term));
      }
      item.hidden = !visible;
      total[kind] = (total[kind] || 0) + 1;
      if (visible) shown[kind] = (shown[kind] || 0) + 1;
    }
    status.textContent = COUNTED.filter(([kind]) => total[kind])
      .map(([kind, name]) => `${shown[kind] || 0} of ${total[kind]} ${name}`)
      .join(" · ");
    moreDocs.replaceChildren();
    if (!terms.length) return;
    // Documents the tables do not list: searched in the embedded JSON.
    const found = [];
    columns.number.forEach((number, row) => {
      if (columns.listed[row]) return;
      let haystack = docTextOf.get(number);
      if (haystack === undefined) {
        const fields = [columns.id, columns.title, columns.outlet, columns.date, columns.byline].map((c) => c[row]);
        fields.push((texts[number] || {}).text);
        haystack = fields.join(" ").toLowerCase();
        docTextOf.set(number, haystack);
      }
      if (terms.every((term) => haystack.includes(term))) found.push(number);
    });
    if (!found.length) return;
    moreDocs.append(`${found.length.toLocaleString()} more matching document(s) not in the table: `);
    found.slice(0, MAX_MORE_DOCS).forEach((number, k) => {
      if (k) moreDocs.append(", ");
      moreDocs.append(docLink(number));
    });
    if (found.length > MAX_MORE_DOCS) moreDocs.append(` (showing ${MAX_MORE_DOCS} of ${found.length})`);
  }

  if (tools) {
    tools.hidden = false;
    let timer = 0;
    search.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(applyFilters, 120);
    });
    // The search box also fires "change" when it loses focus, e.g. on a click on a search result:
    // filtering again then would replace the result under the pointer.
    tools.addEventListener("change", (event) => {
      if (event.target !== search) applyFilters();
    });
    applyFilters();
  }
  reveal(location.hash);
  document.documentElement.dataset.ready = "1";
})();
