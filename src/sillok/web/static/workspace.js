// The coding workspace (workspace.html); a file of its own, as the Content-Security-Policy
// allows no inline script.
// A selection in the text → its character offsets in the source text (each piece carries
// the offset it starts at), the quote, and a working title.
const text = document.getElementById("source-text");
function offset(node, within) {
  const el = node.nodeType === 3 ? node.parentElement : node;
  const start = el && el.dataset.start !== undefined ? parseInt(el.dataset.start, 10) : null;
  return start === null ? null : start + within;
}
document.addEventListener("selectionchange", () => {
  const sel = document.getSelection();
  if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return;
  const r = sel.getRangeAt(0);
  if (!text.contains(r.startContainer) || !text.contains(r.endContainer)) return;
  const a = offset(r.startContainer, r.startOffset), b = offset(r.endContainer, r.endOffset);
  if (a === null || b === null || b <= a) return;
  document.getElementById("sel-start").value = a;
  document.getElementById("sel-end").value = b;
  document.querySelectorAll(".sel-start").forEach((x) => { x.value = a; });
  document.querySelectorAll(".sel-end").forEach((x) => { x.value = b; });
  document.getElementById("sel-quote").value = sel.toString();
  const title = document.getElementById("ev-title");
  if (!title.value) title.value = sel.toString().slice(0, 120);
  // A new person's or place's name from the passage (the Korean name from Hangul, the
  // English one from Latin letters), where nothing is typed: a name filled in this way
  // follows the selection, one typed by the coder stays.
  const words = sel.toString().trim().slice(0, 200), hangul = /[\uac00-\ud7a3]/.test(words);
  document.querySelectorAll("[data-passage]").forEach((x) => {
    const fits = x.dataset.passage === "any" || (x.dataset.passage === "hangul") === hangul;
    if (fits && (!x.value || x.value === x.dataset.filled)) {
      x.value = words;
      x.dataset.filled = words;
    }
  });
});

// Selecting with the keyboard: the text cannot take a caret while it is plain text, so it
// becomes editable while focused from the keyboard (Tab), with every edit refused — Shift
// and the arrow keys then select as in any text field. A mouse press turns that off again,
// so the links in the text stay links.
let pressed = false;
text.addEventListener("mousedown", () => {
  pressed = true;
  text.removeAttribute("contenteditable");
});
text.addEventListener("focus", () => {
  if (pressed) { pressed = false; return; }
  text.setAttribute("contenteditable", "true");
  text.setAttribute("aria-readonly", "true");
  text.setAttribute("role", "textbox");
  text.setAttribute("aria-multiline", "true");
  const sel = document.getSelection();
  if (sel && !text.contains(sel.anchorNode)) sel.collapse(text, 0);
});
text.addEventListener("blur", () => {
  pressed = false;
  text.removeAttribute("contenteditable");
  text.setAttribute("role", "region");
});
text.addEventListener("beforeinput", (e) => e.preventDefault());
["paste", "drop", "cut"].forEach((name) => text.addEventListener(name, (e) => e.preventDefault()));

// A record page links to a passage as #evidence-ID: every piece of that passage lit up.
function lightPassage() {
  document.querySelectorAll("mark.evidence.current").forEach((m) => m.classList.remove("current"));
  const found = /^#evidence-(\d+)$/.exec(window.location.hash);
  if (!found) return;
  document.querySelectorAll("mark.evidence").forEach((m) => {
    if (m.dataset.evidence.split(" ").includes(found[1])) m.classList.add("current");
  });
}
window.addEventListener("hashchange", lightPassage);
lightPassage();

// A form that codes the selected passage, sent before any passage is selected, would be
// refused and what was typed lost: it is held back, and the coder is sent to the text.
document.querySelectorAll("form[data-needs-passage]").forEach((form) => {
  form.addEventListener("submit", (e) => {
    const start = form.querySelector("[name=start]");
    if (start && start.value) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    const note = document.getElementById("need-passage");
    note.hidden = false;
    note.scrollIntoView({ block: "center" });
    text.focus();
  }, true);
});
