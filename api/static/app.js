// The web page: one HTML file, four views chosen by the URL hash, data from /api.
// Crawled text is untrusted: only the API's *_html fields (escaped, with its own <mark>s)
// are set as HTML; everything else goes in as text.
"use strict";

const $ = (selector, root = document) => root.querySelector(selector);
const persianDigits = (s) => String(s).replace(/\d/g, (d) => "۰۱۲۳۴۵۶۷۸۹"[d]);
const KINDS = {
  count: "شمارش", money: "پول", percent: "درصد", area: "مساحت", length: "طول",
  volume: "حجم", weight: "وزن", duration: "مدت", other: "سایر",
};

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "html") node.innerHTML = value; // only ever an API *_html field
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function showError(error) {
  // an ApiError shows its Persian sentence, and the API's words beside it for support
  const box = $("#error");
  const message = typeof error === "string" ? error : error?.message;
  box.replaceChildren(message || "");
  if (error?.detail) box.append(" ", el("bdi", { class: "detail", dir: "auto", text: `(${error.detail})` }));
  if (error?.status === 401) box.append(" ", el("a", { href: "#/login", text: "ورود" }));
  box.hidden = !message;
}

// who is logged in (from /api/me); the CSRF token goes with every change the page makes
const session = { name: null, role: null, csrf: null, anonymousReads: false };

// a Persian sentence for each kind of refusal; the API's own message follows it
const STATUS_TEXT = {
  400: "درخواست را نمی‌توان اجرا کرد؛ عبارت جستجو یا تاریخ را درست یا ساده‌تر کنید.",
  401: "برای این کار باید وارد شوید.",
  403: "اجازهٔ این کار را ندارید.",
  404: "پیدا نشد.",
  422: "مقداری که وارد کردید پذیرفته نیست.",
  503: "پایگاه دادهٔ خبرها اکنون در دسترس نیست؛ کمی بعد دوباره امتحان کنید.",
};

class ApiError extends Error {
  constructor(status, detail) {
    super(STATUS_TEXT[status] || `خطای ${persianDigits(status)}`);
    this.status = status;
    this.detail = detail;
  }
}

async function api(path, params = {}, options = {}) {
  const url = new URL(path, location.origin);
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, value);
  }
  const method = (options.method || "GET").toUpperCase();
  const headers = { ...(options.headers || {}) };
  if (method !== "GET" && session.csrf) headers["X-CSRF-Token"] = session.csrf;
  let response;
  try {
    response = await fetch(url, { ...options, headers, credentials: "same-origin" });
  } catch (err) {
    throw new Error("سرویس در دسترس نیست: " + err.message);
  }
  if (response.status === 204) return null;
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, body.detail);
  return body;
}

function dateText(jalali) {
  // a page that gave only the day is stored at midnight: show the day alone
  return jalali ? persianDigits(jalali.replace(/ 00:00$/, "")) : "بی‌تاریخ";
}

function number(value) {
  return Number(value).toLocaleString("fa-IR", { maximumFractionDigits: 2 });
}

// ---- routing -----------------------------------------------------------------------------

function route() {
  const [path, query = ""] = location.hash.replace(/^#/, "").split("?");
  const params = new URLSearchParams(query);
  const parts = path.split("/").filter(Boolean);
  const view = parts[0] || "search";
  for (const section of document.querySelectorAll(".view")) section.hidden = true;
  for (const link of document.querySelectorAll("nav a")) {
    link.classList.toggle("active", link.dataset.view === view);
  }
  showError("");
  const run = {
    search: () => searchView(params),
    article: () => articleView(decodeURIComponent(parts[1] || ""), params),
    analyst: () => analystView(params),
    saved: () => savedView(),
    sources: () => sourcesView(),
    login: async () => $("#login-form").elements.name.focus(),
  }[view] || (() => searchView(params));
  const known = { search: 1, article: 1, analyst: 1, saved: 1, login: 1, sources: 1 };
  $(`#view-${view in known ? view : "search"}`).hidden = false;
  run().catch((err) => showError(err));
}

// ---- search ------------------------------------------------------------------------------

const SEARCH_FIELDS = ["q", "from", "to", "source", "city", "kind", "sort"];
let searchCursor = null;

function searchParams(params) {
  const out = {};
  for (const name of SEARCH_FIELDS) if (params.get(name)) out[name] = params.get(name);
  return out;
}

async function searchView(params) {
  const form = $("#search-form");
  const filters = searchParams(params);
  for (const name of SEARCH_FIELDS) form.elements[name].value = filters[name] || "";
  if (form.elements.sort.value === "") form.elements.sort.value = "relevance";
  await loadSources(filters.source);
  const exportQuery = new URLSearchParams(filters);
  $("#export-csv").href = `/api/export/search?${exportQuery}&format=csv`;
  $("#export-jsonl").href = `/api/export/search?${exportQuery}&format=jsonl`;
  // what the previous search showed goes before this one runs: an error stands alone
  $("#results").replaceChildren();
  $("#facets").replaceChildren();
  $("#search-total").textContent = "";
  $("#more").hidden = true;
  clearCoverage();
  const interval = params.get("interval") || "day";
  const [page, coverage] = await Promise.all([
    api("/api/search", { ...filters, facets: true, size: 20 }),
    api("/api/coverage", { ...filters, interval }),
  ]);
  const total = Number(page.total).toLocaleString("fa-IR");
  $("#search-total").textContent = page.total_exact ? `${total} خبر` : `بیش از ${total} خبر`;
  renderCoverage(coverage);
  renderFacets(page.facets, filters);
  appendHits(page);
}

// ---- coverage at a glance ----------------------------------------------------------------

let coverageChart = null;

function clearCoverage() {
  if (coverageChart) coverageChart.destroy();
  coverageChart = null;
  $("#coverage").hidden = true;
  $("#coverage-outlets").replaceChildren();
  $("#coverage-stories").replaceChildren();
}

function delayText(minutes) {
  // how long after the story's first copy an outlet ran it
  if (minutes === null || minutes === undefined) return "بی‌تاریخ";
  if (minutes === 0) return "نخستین انتشار";
  if (minutes < 60) return `${persianDigits(minutes)} دقیقه بعد`;
  if (minutes < 48 * 60) return `${persianDigits(Math.round(minutes / 60))} ساعت بعد`;
  return `${persianDigits(Math.round(minutes / 1440))} روز بعد`;
}

function copyItem(copy, current) {
  const name = copy.id === current ? el("strong", { text: copy.outlet }) :
    el("a", { href: `#/article/${encodeURIComponent(copy.id)}`, text: copy.outlet });
  return el("li", {}, name, " — ", dateText(copy.published_jalali), " ",
    el("span", { class: "delay", text: `(${delayText(copy.delay_minutes)})` }));
}

function renderCoverage(coverage) {
  $("#coverage").hidden = coverage.total === 0;
  $("#coverage-interval").value = coverage.interval;
  const length = coverage.interval === "month" ? 7 : 10;
  const labels = coverage.buckets.map((b) => persianDigits(b.start_jalali.slice(0, length)));
  const counts = coverage.buckets.map((b) => b.count);
  $("#coverage-undated").textContent = coverage.undated
    ? `${persianDigits(coverage.undated)} خبر بی‌تاریخ در نمودار نیست` : "";
  coverageChart = new Chart($("#coverage-chart"), {
    type: "bar",
    data: { labels, datasets: [{ label: "شمار خبرها", data: counts, backgroundColor: "#0b6e6e" }] },
    options: {
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: { reverse: true }, // time runs right to left on a Persian page
        y: { position: "right", beginAtZero: true, ticks: { precision: 0, callback: (v) => number(v) } },
      },
      plugins: { legend: { display: false }, tooltip: { rtl: true } },
    },
  });
  $("#coverage-chart").dataset.buckets = JSON.stringify(counts);
  $("#coverage-outlets").replaceChildren(...coverage.outlets.map((o) =>
    el("li", {}, `${o.outlet} (${persianDigits(o.count)})`)));
  $("#coverage-stories").replaceChildren(...coverage.stories.map((story) =>
    el("li", { "data-story": story.story_id },
      el("a", { href: `#/article/${encodeURIComponent(story.outlets[0].id)}`, text: story.title }),
      ` — ${persianDigits(story.outlets.length)} رسانه`,
      el("ol", {}, ...story.outlets.map((copy) => copyItem(copy, null))))));
  if (!coverage.stories.length) {
    $("#coverage-stories").append(el("li", { text: "خبری از این نتایج در چند رسانه منتشر نشده است." }));
  }
}

function appendHits(page) {
  const list = $("#results");
  for (const hit of page.hits) {
    const title = el("a", { href: `#/article/${encodeURIComponent(hit.id)}`, html: hit.title_html });
    const meta = el("p", { class: "meta" },
      el("span", { class: "source", text: outletName(hit.source) }),
      el("span", { class: "date", text: dateText(hit.published_jalali) }),
      el("a", { href: hit.url, rel: "noopener noreferrer", target: "_blank", text: "متن در منبع" }));
    if (hit.outlets > 1) {
      meta.append(el("span", { class: "coverage", text: `${persianDigits(hit.outlets)} رسانه` }));
    }
    list.append(el("li", { class: "hit" }, el("h3", {}, title), meta,
      el("p", { class: "snippet", html: hit.snippet_html })));
  }
  searchCursor = page.next_cursor;
  $("#more").hidden = !searchCursor;
}

function renderFacets(facets, filters) {
  const box = $("#facets");
  box.replaceChildren();
  const names = { source: "منبع", city: "شهر", kind: "نوع رقم" };
  for (const [facet, counts] of Object.entries(facets || {})) {
    const entries = Object.entries(counts);
    if (!entries.length) continue;
    const group = el("div", {}, el("strong", { text: names[facet] + ": " }));
    for (const [value, count] of entries) {
      const label = facet === "kind" ? KINDS[value] || value : facet === "source" ? outletName(value) : value;
      group.append(el("button", {
        type: "button",
        text: `${label} (${persianDigits(count)})`,
        onclick: () => go("", { ...filters, [facet]: value }),
      }));
    }
    box.append(group);
  }
}

async function loadSources(selected) {
  const select = $("#search-form").elements.source;
  if (select.options.length <= 1) {
    for (const source of await api("/api/sources")) {
      select.append(el("option", { value: source.name, text: `${source.title} (${persianDigits(source.articles)})` }));
    }
  }
  select.value = selected || "";
}

function go(path, params) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v));
  location.hash = `#/${path}${query.toString() ? "?" + query : ""}`;
}

function formFilters(form) {
  const out = {};
  for (const name of SEARCH_FIELDS) if (form.elements[name].value) out[name] = form.elements[name].value;
  return out;
}

async function saveSearch(saveForm) {
  // the search as it stands in the form: words, filters, days and sort
  const filters = formFilters($("#search-form"));
  const body = {
    name: saveForm.elements.name.value,
    q: filters.q || "",
    sources: filters.source ? [filters.source] : [],
    cities: filters.city ? [filters.city] : [],
    kinds: filters.kind ? [filters.kind] : [],
    date_from: filters.from || "",
    date_to: filters.to || "",
    sort: filters.sort || "relevance",
    shared: saveForm.elements.shared.checked,
  };
  await api("/api/saved-searches", {}, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  saveForm.reset();
  location.hash = "#/saved";
}

// ---- article -----------------------------------------------------------------------------

async function articleView(id, params) {
  const article = await api(`/api/articles/${encodeURIComponent(id)}`);
  $("#article-title").textContent = article.title;
  const meta = $("#article-meta");
  meta.replaceChildren(
    el("span", { text: outletName(article.source) }),
    el("span", { text: dateText(article.published_jalali) }),
    el("a", { href: article.url, rel: "noopener noreferrer", target: "_blank", text: "متن در منبع" }),
  );
  if (article.credited_source) meta.append(el("span", { text: `منبع خبر: ${article.credited_source}` }));
  $("#article-text").innerHTML = article.text_html; // escaped by the API; its marks only
  const rows = $("#article-figures tbody");
  rows.replaceChildren();
  article.figures.forEach((fig, index) => {
    rows.append(el("tr", { "data-figure": index, onclick: () => focusFigure(index) },
      el("td", { text: number(fig.value) }),
      el("td", { text: fig.unit }),
      el("td", { text: fig.subject }),
      el("td", { text: fig.location || "" }),
      el("td", { text: [...new Set([fig.speaker, fig.speaker_role].filter(Boolean))].join("، ") })));
  });
  for (const mark of document.querySelectorAll("#article-text mark[data-figure]")) {
    mark.addEventListener("click", () => focusFigure(Number(mark.dataset.figure)));
  }
  // the story's timeline: every copy, first published first, with its delay
  const coverage = $("#article-coverage");
  coverage.replaceChildren(...article.coverage.map((copy) => copyItem(copy, article.id)));
  if (article.coverage.length <= 1) coverage.replaceChildren(el("li", { text: "فقط همین منبع" }));
  if (params.get("figure") !== null) focusFigure(Number(params.get("figure")));
}

function focusFigure(index) {
  for (const node of document.querySelectorAll(".focus")) node.classList.remove("focus");
  const mark = $(`#article-text mark[data-figure="${index}"]`);
  if (mark) {
    mark.classList.add("focus");
    mark.scrollIntoView({ block: "center" });
  }
  const row = $(`#article-figures tr[data-figure="${index}"]`);
  if (row) row.classList.add("focus");
}

// ---- analyst -----------------------------------------------------------------------------

let chart = null;
const PALETTE = ["#0b6e6e", "#8a4f00", "#3b4cc0", "#7a1f5c", "#2e7d32", "#5d4037"];

// outlet id → its display name (crawler/sources.yaml `title`), loaded once
const outletTitles = new Map();

async function loadOutlets() {
  try {
    const sources = await api("/api/sources", { crawls: 0 });
    for (const source of sources) outletTitles.set(source.name, source.title);
    showBroken(sources);
  } catch {
    // ids stand in for names until the sources can be read
  }
}

function outletName(source) {
  return outletTitles.get(source) || source;
}

async function analystView(params) {
  const form = $("#metric-form");
  form.elements.q.value = params.get("q") || "";
  form.elements.interval.value = params.get("interval") || "month";
  const found = await api("/api/metrics", { q: params.get("q") || "", size: 30 });
  $("#metrics").replaceChildren(...found.map((m) => el("li", {},
    el("input", { type: "checkbox", value: m.metric, "aria-label": "برای شاخص" }),
    " ",
    el("button", {
      type: "button",
      "data-metric": m.metric,
      title: m.metric,
      text: `${m.label}  (${persianDigits(m.count)} گزارش)`,
      onclick: () => go("analyst", { q: params.get("q"), metric: m.metric, interval: form.elements.interval.value }),
    }))));
  await listIndicators(params);
  const chosen = params.get("indicator") ? { indicator: params.get("indicator") } : params.get("metric") ? { metric: params.get("metric") } : null;
  if (chosen) await drawSeries(chosen, form.elements.interval.value);
}

async function listIndicators(params) {
  const mine = await api("/api/indicators");
  $("#indicators").replaceChildren(...mine.map((i) => el("li", {},
    el("button", {
      type: "button",
      "data-indicator": i.id,
      text: i.name,
      title: i.labels.join("، "),
      onclick: () => go("analyst", { q: params.get("q"), indicator: i.id, interval: $("#metric-form").elements.interval.value }),
    }),
    " ",
    el("button", { type: "button", class: "quiet", text: "حذف", onclick: () => removeIndicator(i.id).catch((err) => showError(err)) }))));
}

async function createIndicator(form) {
  const metrics = [...document.querySelectorAll("#metrics input:checked")].map((box) => box.value);
  if (!metrics.length) throw new Error("دست‌کم یک شاخص را از فهرست انتخاب کنید.");
  const made = await api("/api/indicators", {}, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name: form.elements.name.value, metrics }),
  });
  form.elements.name.value = "";
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  go("analyst", { q: params.get("q"), indicator: made.id, interval: $("#metric-form").elements.interval.value });
}

async function removeIndicator(id) {
  await api(`/api/indicators/${encodeURIComponent(id)}`, {}, { method: "DELETE" });
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  if (params.get("indicator") === id) params.delete("indicator");
  go("analyst", Object.fromEntries(params));
}

function seriesOf(chosen, params) {
  return chosen.indicator
    ? api(`/api/indicators/${encodeURIComponent(chosen.indicator)}/series`, params)
    : api("/api/series", { metric: chosen.metric, ...params });
}

function reportRow(point) {
  // one report: when, who, what was said, and a link to its sentence in the article
  const seq = point.figure_id.slice(point.article_id.length + 1);
  return el("tr", {},
    el("td", { text: dateText(point.published_jalali) }),
    el("td", { text: outletName(point.source) }),
    el("td", { text: point.surface }),
    el("td", { text: point.speaker || "" }),
    el("td", {}, el("a", {
      href: `#/article/${encodeURIComponent(point.article_id)}?figure=${seq}`,
      text: point.sentence,
    })));
}

function showReports(title, reports) {
  $("#reports-title").textContent = title;
  $("#reports-table tbody").replaceChildren(...reports.map(reportRow));
  $("#reports-table").dataset.reports = String(reports.length);
}

async function showBucket(chosen, interval, bucket) {
  // a bucket's reports are the series of its own dates, listed newest first
  const part = await seriesOf(chosen, { interval, from: bucket.start, to: bucket.end, points: 200 });
  const label = dateText(bucket.start_jalali.slice(0, interval === "month" ? 7 : 10));
  showReports(`گزارش‌های ${label}`, part.reports);
}

async function drawSeries(chosen, interval) {
  const series = await seriesOf(chosen, { interval });
  $("#series-title").textContent = series.label;
  const exportParams = new URLSearchParams({ ...chosen, interval, format: "csv" });
  $("#export-series").href = `/api/export/series?${exportParams}`;
  $("#export-series").hidden = false;
  const rows = $("#series-table tbody");
  rows.replaceChildren(...series.buckets.map((bucket) => el("tr", { class: bucket.conflict ? "conflict" : "" },
    el("td", { text: dateText(bucket.start_jalali.slice(0, interval === "month" ? 7 : 10)) }),
    el("td", { text: bucket.values.map(number).join("، ") + (bucket.conflict ? "  (گزارش‌های ناهمسان)" : "") }),
    el("td", { text: Object.entries(bucket.outlets).map(([source, values]) => `${outletName(source)}: ${values.map(number).join("، ")}`).join(" — ") }))));
  showReports("تازه‌ترین گزارش‌ها", series.reports);
  if (chart) chart.destroy();
  // one line per outlet, a marker for each value it reported in a bucket, so that two
  // outlets' different numbers never read as a change; every bucket is drawn however many
  // reports it has (the reports themselves are listed below, a bucket's on a click)
  const outlets = [...new Set(series.buckets.flatMap((bucket) => Object.keys(bucket.outlets)))];
  const datasets = outlets.map((source, i) => {
    const mine = series.buckets.flatMap((bucket) => (bucket.outlets[source] || []).map((value) => ({
      x: Date.parse(bucket.start), y: value, bucket,
    })));
    const color = PALETTE[i % PALETTE.length];
    return {
      label: outletName(source),
      data: mine,
      borderColor: color,
      backgroundColor: color,
      pointBackgroundColor: mine.map((p) => (p.bucket.conflict ? "#b3261e" : color)),
      pointRadius: 6,
      pointHoverRadius: 8,
    };
  });
  const unit = series.reports.length ? series.reports[0].unit : "";
  chart = new Chart($("#chart"), {
    type: "line",
    data: { datasets },
    options: {
      maintainAspectRatio: false,
      animation: false,
      parsing: false,
      scales: {
        x: {
          type: "linear",
          reverse: true, // time runs right to left on a Persian page
          ticks: { callback: (ms) => new Date(ms).toLocaleDateString("fa-IR-u-ca-persian") },
        },
        y: {
          position: "right",
          title: { display: Boolean(unit), text: unit },
          ticks: { callback: (v) => number(v) },
        },
      },
      plugins: {
        legend: { display: true, rtl: true, position: "top" },
        tooltip: {
          rtl: true,
          callbacks: {
            title: (items) => dateText(items[0].raw.bucket.start_jalali.slice(0, interval === "month" ? 7 : 10)) + " — " + items[0].dataset.label,
            label: (item) => number(item.raw.y) + (unit ? " " + unit : ""),
          },
        },
      },
      onClick: (_event, elements) => {
        if (!elements.length) return;
        const marker = datasets[elements[0].datasetIndex].data[elements[0].index];
        showBucket(chosen, interval, marker.bucket).catch(showError);
      },
    },
  });
  $("#chart").dataset.points = String(datasets.reduce((n, d) => n + d.data.length, 0));
}

// ---- sources and their health --------------------------------------------------------------

const STATES = { ok: "سالم", degraded: "ناقص", broken: "از کار افتاده", unknown: "خزش نشده" };
const REASONS = {
  never_crawled: "هنوز خزش نشده است",
  nothing_found: "در سه خزش پیاپی هیچ خبر یا پیوند خبری پیدا نشد",
  last_crawl_empty: "در آخرین خزش هیچ خبر یا پیوند خبری پیدا نشد",
  fallback_jump: "بیشتر خبرهای آخرین خزش با استخراج‌گر عمومی خوانده شد؛ شاید قالب سایت عوض شده است",
  undated_jump: "بیشتر خبرهای آخرین خزش بی‌تاریخ بود",
  fetch_errors: "بیشتر درخواست‌های آخرین خزش با خطا روبه‌رو شد",
};

function reasonsOf(item) {
  // a Persian sentence per reason; the crawler's own words beside them for support
  const said = (item.codes || []).map((code) => REASONS[code] || code).join("؛ ");
  return [said, el("bdi", { dir: "ltr", class: "detail", text: item.reasons.length ? ` (${item.reasons.join("; ")})` : "" })];
}

function crawlText(crawl) {
  if (!crawl) return "—";
  const when = new Date(crawl.started).toLocaleString("fa-IR-u-ca-persian", { timeZone: "Asia/Tehran", dateStyle: "short", timeStyle: "short" });
  const errors = Object.values(crawl.errors).reduce((a, b) => a + b, 0);
  return `${when}: ${persianDigits(crawl.pages)} صفحه، ${persianDigits(crawl.new)} خبر تازه، ` +
    `${persianDigits(crawl.updated)} به‌روز، ${persianDigits(crawl.unchanged)} بی‌تغییر، ` +
    `${persianDigits(crawl.fallback)} با استخراج‌گر عمومی، ${persianDigits(crawl.undated)} بی‌تاریخ، ${persianDigits(errors)} خطا`;
}

async function sourcesView() {
  const sources = await api("/api/sources", { crawls: 1 });
  $("#sources-table tbody").replaceChildren(...sources.map((s) => el("tr", { "data-source": s.name },
    el("td", { text: s.title }),
    el("td", {}, el("span", { class: `state state-${s.state}`, text: STATES[s.state] || s.state })),
    el("td", { text: persianDigits(s.articles) }),
    el("td", { text: crawlText(s.crawls[0]) }),
    el("td", {}, ...reasonsOf(s)))));
  const alerts = await api("/api/source-alerts", { limit: 50 });
  $("#source-alerts").replaceChildren(...alerts.map((a) => el("li", {},
    el("strong", { text: `${outletName(a.source)}: ${STATES[a.state] || a.state}` }),
    " ", ...reasonsOf(a))));
  if (!alerts.length) $("#source-alerts").append(el("li", { text: "هشداری نیست." }));
  showBroken(sources);
}

async function addSource(form) {
  // the server fetches the site and checks sample articles: this takes a few seconds
  const body = {};
  for (const name of ["url", "name", "title", "city"]) if (form.elements[name].value) body[name] = form.elements[name].value;
  $("#source-result").hidden = false;
  $("#source-result").textContent = "در حال بررسی سایت…";
  $("#source-report").replaceChildren();
  let found;
  try {
    found = await api("/api/sources", {}, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  } catch (err) {
    $("#source-result").hidden = true;
    throw err;
  }
  $("#source-result").textContent = found.added
    ? `«${found.name}» افزوده شد و در خزش بعدی خوانده می‌شود.`
    : `«${found.name}» افزوده نشد: نمونهٔ خبرها بررسی را نگذراندند. آنچه یافت شد:`;
  $("#source-report").replaceChildren(...found.report.map((line) => el("li", { text: line })));
  if (found.added) {
    form.reset();
    await loadOutlets();
    await sourcesView();
  }
}

function showBroken(sources) {
  const broken = sources.filter((s) => s.state === "broken").length;
  $("#broken-count").textContent = persianDigits(broken);
  $("#broken-count").hidden = broken === 0;
}

// ---- saved searches and alerts ---------------------------------------------------------

async function savedView() {
  const saved = await api("/api/saved-searches");
  $("#saved-list").replaceChildren(...saved.map((s) => {
    const params = {
      q: s.q, source: s.sources[0], city: s.cities[0], kind: s.kinds[0], from: s.date_from, to: s.date_to, sort: s.sort,
    };
    return el("li", {},
      el("a", { href: "#/?" + new URLSearchParams(Object.entries(params).filter(([, v]) => v)), text: s.name }),
      el("span", { class: "meta", text: `  ${persianDigits(s.new)} خبر تازه` }),
      " ",
      el("button", { type: "button", text: "دیدم", onclick: () => markSeen(s.id) }),
      " ",
      el("button", { type: "button", text: "حذف", onclick: () => removeSaved(s.id) }));
  }));
  const notes = await api("/api/notifications", { limit: 50 });
  $("#notifications").replaceChildren(...notes.map((n) => el("li", {},
    el("strong", { text: n.search_name + ": " }),
    el("a", { href: `#/article/${encodeURIComponent(n.article_id)}`, text: n.title }),
    el("span", { class: "meta", text: "  " + outletName(n.source) }))));
}

async function markSeen(id) {
  await api(`/api/saved-searches/${encodeURIComponent(id)}/seen`, {}, { method: "POST" });
  await savedView();
}

async function removeSaved(id) {
  await api(`/api/saved-searches/${encodeURIComponent(id)}`, {}, { method: "DELETE" });
  await savedView();
}

async function refreshAlertCount() {
  try {
    const saved = await api("/api/saved-searches");
    const fresh = saved.reduce((sum, s) => sum + s.new, 0);
    const badge = $("#alert-count");
    badge.textContent = persianDigits(fresh);
    badge.hidden = fresh === 0;
  } catch {
    // the badge is a convenience: the saved view reports errors itself
  }
}

// ---- account -----------------------------------------------------------------------------

function showAccount() {
  $("#account-name").textContent = session.name ? `${session.name} (${ROLE_NAMES[session.role] || session.role})` : "";
  $("#login-link").hidden = Boolean(session.name);
  $("#logout").hidden = !session.name;
}

const ROLE_NAMES = { viewer: "خواننده", editor: "ویراستار", admin: "مدیر" };

async function loadSession() {
  try {
    const me = await api("/api/me");
    Object.assign(session, { name: me.name, role: me.role, csrf: me.csrf, anonymousReads: me.anonymous_reads });
  } catch {
    // the page still works for reads when the deployment allows them
  }
  showAccount();
}

async function login(form) {
  const me = await api("/api/login", {}, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name: form.elements.name.value, password: form.elements.password.value }),
  });
  form.elements.password.value = "";
  Object.assign(session, { name: me.name, role: me.role, csrf: me.csrf });
  // the page is ready for the user before it shows them logged in: nothing moves after
  await loadOutlets();
  location.hash = "#/";
  showAccount();
}

async function logout() {
  await api("/api/logout", {}, { method: "POST" });
  Object.assign(session, { name: null, role: null, csrf: null });
  showAccount();
  location.hash = "#/login";
}

// ---- wiring ------------------------------------------------------------------------------

document.addEventListener("DOMContentLoaded", () => {
  $("#search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    go("", formFilters(event.target));
  });
  $("#metric-form").addEventListener("submit", (event) => {
    event.preventDefault();
    go("analyst", { q: event.target.elements.q.value, interval: event.target.elements.interval.value });
  });
  // a new interval redraws what is charted: the metric or indicator stays
  $("#metric-form").elements.interval.addEventListener("change", (event) => {
    const params = Object.fromEntries(new URLSearchParams(location.hash.split("?")[1] || ""));
    if (params.metric || params.indicator) go("analyst", { ...params, interval: event.target.value });
  });
  $("#indicator-form").addEventListener("submit", (event) => {
    event.preventDefault();
    createIndicator(event.target).catch((err) => showError(err));
  });
  $("#source-form").addEventListener("submit", (event) => {
    event.preventDefault();
    addSource(event.target).catch((err) => showError(err));
  });
  $("#coverage-interval").addEventListener("change", (event) => {
    const params = Object.fromEntries(new URLSearchParams(location.hash.split("?")[1] || ""));
    go("", { ...params, interval: event.target.value });
  });
  $("#more").addEventListener("click", async () => {
    const filters = searchParams(new URLSearchParams(location.hash.split("?")[1] || ""));
    try {
      appendHits(await api("/api/search", { ...filters, size: 20, cursor: searchCursor }));
    } catch (err) {
      showError(err);
    }
  });
  $("#save-form").addEventListener("submit", (event) => {
    event.preventDefault();
    saveSearch(event.target).catch((err) => showError(err));
  });
  $("#login-form").addEventListener("submit", (event) => {
    event.preventDefault();
    login(event.target).catch((err) => showError(err));
  });
  $("#logout").addEventListener("click", () => logout().catch((err) => showError(err)));
  window.addEventListener("hashchange", route);
  Promise.all([loadSession(), loadOutlets()]).finally(() => {
    route();
    refreshAlertCount();
  });
});
