// A small element builder: h("p", {class: "x"}, "text", child). Text is always set as text, never
// parsed as HTML, so data from the API cannot inject markup.
type Attrs = Record<string, string | boolean | number | EventListener | undefined>;
type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") el.addEventListener(name.replace(/^on/, ""), value);
    else if (value === true) el.setAttribute(name, "");
    else el.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

// Replaces the page's content and moves focus to its heading, so a screen reader announces the
// new page and keyboard users start at the top.
export function render(...children: (Child | Child[])[]): void {
  const main = document.getElementById("main")!;
  main.replaceChildren(...children.flat().filter((c): c is Node | string => c !== null && c !== undefined && c !== false).map((c) => (c instanceof Node ? c : String(c))));
  const heading = main.querySelector("h1");
  if (heading) {
    heading.setAttribute("tabindex", "-1");
    heading.focus();
  }
}

// A definition list of (term, value) rows; empty values show as "—".
export function details(rows: [string, string | number | null | undefined][]): HTMLDListElement {
  return h(
    "dl",
    { class: "details" },
    rows.flatMap(([term, value]) => [
      h("dt", {}, term),
      h("dd", {}, value === null || value === undefined || value === "" ? "—" : String(value)),
    ]),
  );
}

// A table that may be wider than the screen, in a region that scrolls sideways: focusable, so a
// keyboard can scroll it, and named for screen readers (WCAG 2.1.1; axe scrollable-region-focusable).
export function tableWrap(label: string, table: HTMLElement): HTMLElement {
  return h("div", { class: "table-wrap", tabindex: 0, role: "region", "aria-label": label }, table);
}
