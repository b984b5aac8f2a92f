/*
 * The post editor in the admin (no inline script: the CSP allows only
 * same-origin files). It adds, around django-markdownx's editor:
 * - the preview drawn with the site's own stylesheet, inside a shadow root
 *   so the article CSS and the admin's never meet;
 * - a word count and reading time that follow the typing;
 * - Ctrl/Cmd+S for "Save and continue editing";
 * - after an image is dropped, its description selected for typing over;
 * - tag suggestions from the existing tags as the author types.
 */
(function () {
  "use strict";

  const PLACEHOLDER = "describe the image";

  function setUpPreview(container, textarea) {
    const source = container.querySelector(".markdownx-preview");
    const host = document.createElement("div");
    host.className = "post-editor-preview";
    host.setAttribute("aria-label", "Preview, as readers will see it");
    host.setAttribute("role", "region");
    const root = host.attachShadow({ mode: "open" });
    const css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = textarea.dataset.siteCss;
    const article = document.createElement("article");
    article.className = "post";
    const body = document.createElement("div");
    body.className = "post-body";
    article.append(body);
    root.append(css, article);
    source.hidden = true;
    source.after(host);
    // markdownx writes the server's sanitised rendering into its own
    // preview; mirror it into the styled one.
    const mirror = () => { body.innerHTML = source.innerHTML; };
    new MutationObserver(mirror).observe(source, { childList: true, subtree: true, characterData: true });
    mirror();
  }

  function setUpWordCount(textarea) {
    const perMinute = Number(textarea.dataset.wordsPerMinute) || 200;
    const count = document.createElement("p");
    count.className = "post-editor-count";
    count.setAttribute("aria-live", "polite");
    const update = () => {
      const words = textarea.value.split(/\s+/).filter(Boolean).length;
      const minutes = Math.max(1, Math.ceil(words / perMinute));
      count.textContent = `${words} word${words === 1 ? "" : "s"} · ${minutes} min read`;
    };
    textarea.addEventListener("input", update);
    textarea.closest(".markdownx").after(count);
    update();
  }

  function selectImageDescription(container, textarea) {
    container.addEventListener("markdownx.fileUploadEnd", () => {
      const at = textarea.value.lastIndexOf(`![${PLACEHOLDER}](`, textarea.selectionStart);
      if (at === -1) return;
      textarea.focus();
      textarea.setSelectionRange(at + 2, at + 2 + PLACEHOLDER.length);
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  function setUpKeyboardSave(form) {
    document.addEventListener("keydown", (event) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
        event.preventDefault();
        const keepEditing = form.querySelector('input[name="_continue"]');
        if (keepEditing) keepEditing.click(); else form.requestSubmit();
      }
    });
  }

  function setUpTagSuggestions(input) {
    const list = document.createElement("ul");
    list.className = "tag-suggestions";
    list.id = "tag-suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");
    input.after(list);
    let asked = 0;

    const current = () => input.value.split(",").pop().trim();
    const choose = (name) => {
      const parts = input.value.split(",");
      parts[parts.length - 1] = (parts.length > 1 ? " " : "") + name;
      input.value = parts.join(",") + ", ";
      list.hidden = true;
      input.focus();
    };
    const show = (names) => {
      list.replaceChildren(...names.map((name) => {
        const item = document.createElement("li");
        item.setAttribute("role", "option");
        item.textContent = name;
        item.addEventListener("mousedown", (event) => { event.preventDefault(); choose(name); });
        return item;
      }));
      list.hidden = names.length === 0;
    };

    input.addEventListener("input", async () => {
      const typed = current();
      const ticket = ++asked;
      if (!typed) { show([]); return; }
      const url = `${input.dataset.suggestUrl}?q=${encodeURIComponent(typed)}`;
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok || ticket !== asked) return;
      const chosen = input.value.split(",").map((name) => name.trim().toLowerCase());
      show((await response.json()).tags.filter((name) => !chosen.includes(name.toLowerCase())));
    });
    input.addEventListener("keydown", (event) => {
      if (list.hidden) return;
      if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        choose(list.firstElementChild.textContent);
      } else if (event.key === "Escape") {
        list.hidden = true;
      }
    });
    input.addEventListener("blur", () => { list.hidden = true; });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const textarea = document.querySelector("textarea[data-site-css]");
    if (textarea) {
      const container = textarea.closest(".markdownx");
      setUpPreview(container, textarea);
      setUpWordCount(textarea);
      selectImageDescription(container, textarea);
      setUpKeyboardSave(textarea.form);
    }
    const tags = document.querySelector("input[data-suggest-url]");
    if (tags) setUpTagSuggestions(tags);
  });
})();
