// Accessibility checks run in the page by the browser tests. Returns a list
// of problems, each a sentence naming the element.
(() => {
  const problems = [];
  const describe = (el) => {
    const id = el.id ? "#" + el.id : "";
    const name = el.getAttribute("name") ? "[name=" + el.getAttribute("name") + "]" : "";
    const cls = el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "";
    return el.tagName.toLowerCase() + id + name + (id || name ? "" : cls);
  };
  const visible = (el) => {
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return s.display !== "none" && s.visibility !== "hidden" && r.width > 1 && r.height > 1;
  };

  if (!document.documentElement.getAttribute("lang")) problems.push("the page has no lang attribute");
  const h1 = document.querySelectorAll("h1").length;
  if (h1 !== 1) problems.push("the page has " + h1 + " h1 headings, not one");
  if (!document.title.trim()) problems.push("the page has no title");

  // Every form control has an accessible name.
  for (const el of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
    let name = el.getAttribute("aria-label") || "";
    const by = el.getAttribute("aria-labelledby");
    if (!name && by) name = by.split(/\s+/).map((id) => (document.getElementById(id) || {}).textContent || "").join(" ");
    if (!name && el.labels) name = Array.from(el.labels).map((l) => l.textContent).join(" ");
    if (!name) name = el.getAttribute("title") || "";
    if (!name.trim()) problems.push("the control " + describe(el) + " has no label");
  }
  for (const el of document.querySelectorAll("button, a[href]")) {
    if (el.getAttribute("aria-hidden") === "true") continue;
    const name = (el.textContent || "").trim() || el.getAttribute("aria-label") || el.getAttribute("title") || (el.querySelector("title") || {}).textContent;
    if (!name) problems.push("the " + describe(el) + " has no text");
  }
  for (const img of document.querySelectorAll("img")) {
    if (!img.hasAttribute("alt")) problems.push("the image " + (img.getAttribute("src") || "") + " has no alt text");
  }
  // Charts and maps say what they show.
  for (const svg of document.querySelectorAll("svg")) {
    if (svg.getAttribute("aria-hidden") === "true" || svg.closest("[aria-hidden=true]")) continue;
    if (svg.parentElement && svg.parentElement.closest("svg")) continue;
    const titled = svg.querySelector(":scope > title") || svg.getAttribute("aria-label") || svg.getAttribute("aria-labelledby");
    if (!titled) problems.push("the " + describe(svg) + " picture has no title");
  }

  // WCAG AA contrast of the text of the main elements.
  const parse = (c) => {
    const m = c.match(/rgba?\(([\d.]+),?\s*([\d.]+),?\s*([\d.]+)(?:,?\s*\/?\s*([\d.]+))?\)/);
    if (!m) return null;
    return [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])];
  };
  const background = (el) => {
    let layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) {
        layers.push(c);
        if (c[3] >= 1) break;
      }
    }
    let out = [255, 255, 255];
    for (const c of layers.reverse()) out = out.map((v, i) => c[i] * c[3] + v * (1 - c[3]));
    return out;
  };
  const luminance = (rgb) => {
    const ch = rgb.map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
  };
  const seen = new Set();
  const selector = "p, li, td, th, dt, dd, a, label, legend, h1, h2, h3, button, small, summary, span, code, time, strong";
  for (const el of document.querySelectorAll(selector)) {
    if (el.closest("svg") || !visible(el)) continue;
    const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const s = getComputedStyle(el);
    const fg = parse(s.color);
    if (!fg) continue;
    const bg = background(el);
    const blended = fg.slice(0, 3).map((v, i) => v * fg[3] + bg[i] * (1 - fg[3]));
    const l1 = luminance(blended), l2 = luminance(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(s.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
    const need = large ? 3 : 4.5;
    if (ratio < need) {
      const key = describe(el) + s.color + s.backgroundColor;
      if (seen.has(key)) continue;
      seen.add(key);
      problems.push("the text of " + describe(el) + " (\"" + el.textContent.trim().slice(0, 40) + "\") has a contrast of " + ratio.toFixed(2) + ", under " + need);
    }
  }
  return problems.slice(0, 20);
})()
