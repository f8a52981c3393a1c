// The workspace's pickers (templates/_picker.html): type part of a name in any script, choose
// with the arrow keys and Enter (or the mouse), or create the record in a small form without
// leaving the page. WAI-ARIA combobox pattern with a listbox popup: focus stays in the text
// box, aria-activedescendant names the active option. A file of its own: the
// Content-Security-Policy allows no inline script.
(() => {
  const lang = document.documentElement.lang === "ko" ? "ko" : "en";
  const words = {
    ko: { create: "새로 만들기", none: "찾은 기록이 없습니다", found: "개 찾음", chosen: "선택됨" },
    en: { create: "Create new", none: "Nothing found", found: " found", chosen: "chosen" },
  }[lang];

  function init(root) {
    if (root.dataset.ready) return;
    root.dataset.ready = "1";
    const input = root.querySelector(".pick-input");
    const hidden = root.querySelector(".pick-value");
    const list = root.querySelector(".pick-list");
    const status = root.querySelector(".pick-status");
    const fresh = root.querySelector(".pick-new");
    const multiple = root.dataset.multiple === "1";
    let active = -1, timer = null, asked = 0;

    const options = () => Array.from(list.querySelectorAll("[role=option]"));
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function mark(i) {
      const all = options();
      if (!all.length) return;
      active = (i + all.length) % all.length;
      all.forEach((o, j) => o.setAttribute("aria-selected", j === active ? "true" : "false"));
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }
    function chosenValues() {
      return hidden.value.split(",").map((v) => v.trim()).filter(Boolean);
    }
    function choose(value, label) {
      if (multiple) {
        if (!chosenValues().includes(value)) {
          hidden.value = [...chosenValues(), value].join(", ");
          const li = document.createElement("span");
          li.className = "chip";
          li.dataset.value = value;
          li.append(label + " ");
          const remove = document.createElement("button");
          remove.type = "button";
          remove.className = "pick-remove";
          remove.setAttribute("aria-label", "✕ " + label);
          remove.textContent = "✕";
          li.append(remove);
          root.querySelector(".pick-chosen").append(li);
        }
        input.value = "";
      } else {
        hidden.value = value;
        input.value = label;
      }
      status.textContent = label + " — " + words.chosen;
      close();
      hidden.dispatchEvent(new Event("change", { bubbles: true }));
    }
    function show(items, creatable, typed) {
      list.replaceChildren();
      items.forEach((item, i) => {
        const li = document.createElement("span");
        li.id = input.id + "-opt-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.value = item.value;
        li.dataset.label = item.label;
        li.append(item.label);
        const detail = document.createElement("span");
        detail.className = "meta";
        detail.textContent = " " + item.detail + " · " + item.level;
        li.append(detail);
        list.append(li);
      });
      if (creatable && typed) {
        const li = document.createElement("span");
        li.id = input.id + "-opt-new";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.create = "1";
        li.className = "pick-create-option";
        li.textContent = words.create + ": “" + typed + "”";
        list.append(li);
      }
      status.textContent = items.length ? items.length + words.found : words.none;
      list.hidden = !list.children.length;
      input.setAttribute("aria-expanded", list.hidden ? "false" : "true");
      active = -1;
    }
    async function lookup() {
      const typed = input.value.trim();
      const ticket = ++asked;
      const params = new URLSearchParams({ q: typed });
      if (root.dataset.vocabulary) params.set("vocabulary", root.dataset.vocabulary);
      const answer = await fetch("/staff/pick/" + root.dataset.pick + "?" + params, {
        headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!answer.ok || ticket !== asked) return;
      const body = await answer.json();
      show(body.items, body.create, typed);
    }
    function openNew() {
      const params = new URLSearchParams({ q: input.value.trim(), for: input.id });
      if (root.dataset.vocabulary) params.set("vocabulary", root.dataset.vocabulary);
      fresh.hidden = false;
      close();
      htmx.ajax("GET", "/staff/pick/" + root.dataset.pick + "/new?" + params,
                { target: fresh, swap: "innerHTML" }).then(() => {
        const first = fresh.querySelector("input:not([type=hidden])");
        if (first) first.focus();
      });
    }
    function pickOption(li) {
      if (li.dataset.create) openNew();
      else choose(li.dataset.value, li.dataset.label);
    }

    input.addEventListener("input", () => {
      // A changed text no longer names the record chosen before; a bare number still does.
      if (!multiple) hidden.value = /^\d+$/.test(input.value.trim()) ? input.value.trim() : "";
      clearTimeout(timer);
      timer = setTimeout(lookup, 150);
    });
    input.addEventListener("keydown", (ev) => {
      if (ev.key === "ArrowDown") {
        ev.preventDefault();
        if (list.hidden) lookup().then(() => mark(0)); else mark(active + 1);
      } else if (ev.key === "ArrowUp") {
        ev.preventDefault();
        if (!list.hidden) mark(active < 0 ? -1 : active - 1);
      } else if (ev.key === "Enter") {
        // Enter chooses the active option; it never sends the form from a picker.
        ev.preventDefault();
        const all = options();
        if (!list.hidden && all.length) pickOption(all[active >= 0 ? active : 0]);
      } else if (ev.key === "Escape") {
        if (!list.hidden) { ev.preventDefault(); close(); }
      } else if (ev.key === "Tab") {
        close();
      }
    });
    input.addEventListener("blur", () => setTimeout(close, 150));
    list.addEventListener("mousedown", (ev) => {
      const li = ev.target.closest("[role=option]");
      if (li) { ev.preventDefault(); pickOption(li); }
    });
    root.addEventListener("click", (ev) => {
      const remove = ev.target.closest(".pick-remove");
      if (remove) {
        const li = remove.closest("[data-value]");
        hidden.value = chosenValues().filter((v) => v !== li.dataset.value).join(", ");
        li.remove();
        input.focus();
      }
      if (ev.target.closest(".pick-cancel")) {
        fresh.replaceChildren();
        fresh.hidden = true;
        input.focus();
      }
    });
    fresh.addEventListener("keydown", (ev) => {
      // Enter in the small form creates the record; it must not send the form around it.
      if (ev.key === "Enter" && ev.target.tagName === "INPUT") {
        ev.preventDefault();
        const button = fresh.querySelector(".pick-create");
        // The form may be in the page a moment before htmx has wired its button (it does so
        // when the swap settles): a click then would do nothing. process() is idempotent.
        if (button) { htmx.process(fresh); button.click(); }
      }
    });
  }

  function setup(scope) {
    scope.querySelectorAll(".picker").forEach(init);
  }
  document.addEventListener("htmx:afterSwap", (ev) => {
    const box = ev.target.closest && ev.target.closest(".pick-new");
    if (box) {
      const made = box.querySelector("[data-picked-value]");
      if (made) {
        const root = box.closest(".picker");
        const input = root.querySelector(".pick-input");
        // The picker's own choose(), through a synthetic option.
        const list = root.querySelector(".pick-list");
        const li = document.createElement("span");
        li.setAttribute("role", "option");
        li.dataset.value = made.dataset.pickedValue;
        li.dataset.label = made.dataset.pickedLabel;
        list.replaceChildren(li);
        list.hidden = false;
        li.dispatchEvent(new MouseEvent("mousedown", { bubbles: true, cancelable: true }));
        input.focus();
      }
    }
    setup(ev.target);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => setup(document));
  } else {
    setup(document);
  }
})();
