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
