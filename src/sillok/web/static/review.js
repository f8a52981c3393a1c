// The review queue (review.html): j and k move between pairs, m, n and u answer the pair in
// view (merge, not the same, unsure) by pressing its button, so every answer is the same
// form post as a click. A file of its own: the Content-Security-Policy allows no inline script.
const pairs = Array.from(document.querySelectorAll("[data-pair]"));
let current = 0;
function show(i) {
  if (pairs.length === 0) return;
  current = Math.max(0, Math.min(pairs.length - 1, i));
  pairs.forEach((p, n) => p.classList.toggle("current", n === current));
  pairs[current].focus({ preventScroll: true });
  pairs[current].scrollIntoView({ block: "nearest" });
}
document.addEventListener("keydown", (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const t = e.target;
  if (t && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName))) return;
  if (e.key === "j") show(current + 1);
  else if (e.key === "k") show(current - 1);
  else if (["m", "n", "u"].includes(e.key) && pairs.length) {
    const button = pairs[current].querySelector(`button[data-key="${e.key}"]`);
    if (button) button.click();
  } else return;
  e.preventDefault();
});
show(0);
