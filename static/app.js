/* Jixiao: keyboard editing of cells, Markdown drafts and toasts.
   Event-delegated, no inline handlers; htmx makes every request (see templates/cells/_cell.html).
   Keys: click, Enter or F2 opens a cell's editor; Enter saves (Ctrl+Enter in multi-line
   cells); Esc restores the old value without saving; Tab / Shift+Tab save and move on. An Enter
   that confirms a Chinese IME composition is the IME's, never a save. A cell that will not open
   says why (data-locked); a link to #cell-… (the checks page's) opens that cell. */
(function () {
  "use strict";

  var CELL = "[data-cell]";
  var EDITOR = "[data-editor]";
  var focusField = null; // the field to focus when the next editor opens
  var moveAfterSave = null; // {fromId, step} while a Tab-save is on its way
  var focusAfterSwap = null; // element id whose cell gets the focus back

  function allCells() {
    return Array.prototype.slice.call(document.querySelectorAll(CELL));
  }

  function openEditor(cell) {
    var host = cell.closest("[data-editable]");
    if (!host) {
      sayLocked(cell);
      return;
    }
    focusField = cell.dataset.field || null;
    htmx.trigger(host, "edit");
  }

  /* Why a cell will not open (the plan is submitted or approved, or the reader may not edit
     it), said beside the cell for a few seconds instead of nothing happening. */
  function sayLocked(cell) {
    var host = cell.closest("[data-locked]");
    if (!host) return;
    var old = document.querySelector(".locked-note");
    if (old) old.remove();
    var note = document.createElement("span");
    note.className = "locked-note";
    note.setAttribute("role", "status");
    note.textContent = host.dataset.locked;
    cell.appendChild(note);
    setTimeout(function () {
      note.remove();
    }, 4000);
  }

  function formOf(editor, element) {
    return (element && element.form) || editor.querySelector("form");
  }

  function inputsOf(editor) {
    return Array.prototype.slice.call(
      editor.querySelectorAll("input[type=text], textarea")
    );
  }

  function submit(form) {
    if (form.requestSubmit) form.requestSubmit();
    else htmx.trigger(form, "submit");
  }

  function cancel(editor) {
    var form = formOf(editor);
    if (form.dataset.draftKey) localStorage.removeItem(form.dataset.draftKey);
    focusAfterSwap = editor.id;
    htmx.ajax("GET", form.dataset.cancelUrl, { target: editor, swap: "outerHTML" });
  }

  document.addEventListener(
    "click",
    function (event) {
      var cell = event.target.closest(CELL);
      if (cell) focusField = cell.dataset.field || null;
      if (cell && !cell.closest("[data-editable]")) sayLocked(cell);
      var cancelButton = event.target.closest("[data-cancel]");
      if (cancelButton) {
        event.preventDefault();
        cancel(cancelButton.closest(EDITOR));
      }
    },
    true
  );

  document.addEventListener("keydown", function (event) {
    // An IME is composing: Enter confirms its candidate, it is not ours.
    if (event.isComposing || event.keyCode === 229) return;
    var target = event.target;
    if (!target.closest) return;

    var cell = target.closest(CELL);
    if (cell && target === cell) {
      if (event.key === "Enter" || event.key === "F2") {
        event.preventDefault();
        openEditor(cell);
      }
      return;
    }

    var editor = target.closest(EDITOR);
    if (!editor || !target.matches("input, textarea")) return;
    var form = formOf(editor, target);

    if (event.key === "Escape") {
      event.preventDefault();
      cancel(editor);
    } else if (event.key === "Enter") {
      var multiline = target.hasAttribute("data-multiline");
      if (!multiline || event.ctrlKey || event.metaKey) {
        event.preventDefault();
        focusAfterSwap = editor.id;
        submit(form);
      }
    } else if (event.key === "Tab" && !form.dataset.draftKey) {
      var inputs = inputsOf(editor);
      var index = inputs.indexOf(target);
      var leaving = event.shiftKey ? index === 0 : index === inputs.length - 1;
      if (!leaving) return; // Tab between the inputs of one group stays native
      event.preventDefault();
      moveAfterSave = { fromId: editor.id, step: event.shiftKey ? -1 : 1 };
      submit(form);
    }
  });

  function focusEditor(editor) {
    var inputs = inputsOf(editor);
    var input = null;
    if (focusField) input = editor.querySelector('[name="' + focusField + '"]');
    input = input || inputs[0];
    focusField = null;
    if (!input) return;
    input.focus();
    if (input.closest("form[data-draft-key]")) {
      // A narrative is written, not replaced: a selected whole would go at the first key.
      input.setSelectionRange(input.value.length, input.value.length);
      input.scrollTop = input.scrollHeight;
    } else if (input.select) {
      input.select(); // a cell, as in a spreadsheet: typing replaces the value
    }
  }

  function moveFrom(element, step) {
    var cells = allCells();
    var own = element.matches(CELL) ? [element] : Array.prototype.slice.call(element.querySelectorAll(CELL));
    if (!own.length) return;
    var index = cells.indexOf(step > 0 ? own[own.length - 1] : own[0]) + step;
    if (index >= 0 && index < cells.length) {
      cells[index].focus();
      openEditor(cells[index]);
    }
  }

  /* Arriving at #cell-…: scroll to the cell and mark it; with ?open= naming it (a finding's
     link on the checks page), open its editor for those who may edit. A comment's answer
     comes back to its cell without opening it. */
  var arrivedAt = null; // the id of that cell, until its editor has opened

  function arrive() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id.indexOf("cell-") === 0 && document.getElementById(id);
    if (!target) return;
    target.classList.add("arrived");
    target.scrollIntoView({ block: "center" });
    var cell = target.matches(CELL) ? target : target.querySelector(CELL);
    if (!cell) return;
    cell.focus({ preventScroll: true });
    var asked = new URLSearchParams(location.search).get("open") === id;
    if (asked && cell.closest("[data-editable]")) {
      arrivedAt = id;
      openEditor(cell);
    }
  }

  window.addEventListener("hashchange", arrive);

  /* The review rules' notes at the cells: a save's answer brings its project's box (out of
     band), which carries every cell's notes; put them where they belong, as a save may change
     another cell's (a duplicate name, a cost beside a new budget). An open editor is left be. */
  var SEVERITY_ORDER = ["E", "W", "I"];

  function placeNotes(box) {
    var source = box.querySelector("template.cell-notes");
    if (!source) return;
    var cells = document.querySelectorAll("td[data-cell]");
    Array.prototype.forEach.call(cells, function (cell) {
      Array.prototype.forEach.call(cell.querySelectorAll(".cell-finding"), function (note) {
        note.remove();
      });
    });
    Array.prototype.forEach.call(source.content.querySelectorAll("[data-for]"), function (note) {
      var cell = document.getElementById(note.dataset.for);
      if (cell && cell.matches("td[data-cell]")) cell.appendChild(note.cloneNode(true));
    });
    Array.prototype.forEach.call(cells, function (cell) {
      SEVERITY_ORDER.forEach(function (severity) {
        cell.classList.remove("flagged-" + severity);
      });
      var gravest = SEVERITY_ORDER.filter(function (severity) {
        return cell.querySelector(".cell-finding.finding-" + severity);
      })[0];
      if (gravest) cell.classList.add("flagged-" + gravest);
    });
  }

  htmx.onLoad(function (element) {
    if (!(element instanceof Element)) return;
    if (element === document.body) arrive(); // htmx has made the page's cells live
    if (element.matches(".project-findings")) placeNotes(element);
    if (arrivedAt && element.id === arrivedAt) {
      arrivedAt = null;
      element.classList.add("arrived");
    }
    if (element.matches(EDITOR)) {
      moveAfterSave = null; // the save was refused: stay here
      restoreDraft(element);
      focusEditor(element);
      return;
    }
    if (moveAfterSave && element.id === moveAfterSave.fromId) {
      var step = moveAfterSave.step;
      moveAfterSave = null;
      moveFrom(element, step);
    } else if (focusAfterSwap && element.id === focusAfterSwap) {
      focusAfterSwap = null;
      var cell = element.matches(CELL) ? element : element.querySelector(CELL + ", .edit-button");
      // Give the focus back only if the user has not moved on meanwhile (clicked another cell
      // whose editor opened before this answer came): never steal it from a field.
      var active = document.activeElement;
      var idle = !active || active === document.body || element.contains(active);
      if (cell && idle) cell.focus();
    }
    markDrafts(element);
  });

  /* Markdown drafts: kept in the browser while typing, so a reload loses nothing. */

  function restoreDraft(editor) {
    var form = editor.querySelector("form[data-draft-key]");
    if (!form) return;
    var textarea = form.querySelector("textarea");
    var draft = localStorage.getItem(form.dataset.draftKey);
    if (draft !== null && draft !== textarea.value) {
      textarea.value = draft;
      form.querySelector(".draft-note").hidden = false;
      htmx.trigger(textarea, "preview");
    }
  }

  function markDrafts(root) {
    // A section that has just been saved has no draft any more.
    if (root.matches && root.matches(".cell-markdown.just-saved[data-draft-key]")) {
      localStorage.removeItem(root.dataset.draftKey);
    }
    var blocks = root.querySelectorAll ? root.querySelectorAll(".cell-markdown[data-draft-key]") : [];
    Array.prototype.forEach.call(blocks, function (block) {
      var button = block.querySelector(".edit-button");
      if (button && localStorage.getItem(block.dataset.draftKey) !== null) {
        block.classList.add("has-draft");
        button.textContent += "（有未保存的草稿）";
      }
    });
  }

  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("form[data-draft-key]");
    if (form && event.target.matches("textarea")) {
      localStorage.setItem(form.dataset.draftKey, event.target.value);
    }
  });


  /* Toasts: messages from the server (HX-Trigger) and from failed requests. */

  function toast(message, undo) {
    var box = document.getElementById("toasts");
    if (!box) return;
    var item = document.createElement("div");
    item.className = "toast";
    item.setAttribute("role", "status");
    var text = document.createElement("span");
    text.textContent = message;
    item.appendChild(text);
    if (undo) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = "撤销";
      button.addEventListener("click", function () {
        htmx.ajax("POST", undo.url, { target: undo.target, swap: "outerHTML", source: document.body });
        item.remove();
      });
      item.appendChild(button);
    }
    box.appendChild(item);
    setTimeout(function () {
      item.remove();
    }, undo ? 12000 : 6000);
  }

  document.addEventListener("jixiao:toast", function (event) {
    var detail = event.detail;
    toast(detail.message, detail.undo ? { url: detail.undo, target: detail.target } : null);
  });

  document.addEventListener("jixiao:edit", function (event) {
    var cell = document.getElementById(event.detail.id);
    if (cell) {
      cell.focus();
      openEditor(cell);
    }
  });

  document.addEventListener("jixiao:focus", function (event) {
    var row = document.getElementById(event.detail.id);
    if (row) {
      row.classList.add("just-saved");
      var cell = row.querySelector(CELL);
      if (cell) cell.focus();
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.getResponseHeader("HX-Trigger")) return; // the server sent its own message
    if (xhr.status === 404) toast("该内容已不存在（可能已被别人删除），请刷新页面。");
    else toast("保存失败：服务器出错（" + xhr.status + "），您的修改未保存，请重试。");
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) window.print();
  });

  document.addEventListener("htmx:sendError", function () {
    toast("无法连接服务器，修改未保存。请检查网络后重试。");
  });
})();
