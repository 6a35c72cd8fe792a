// The admin item form, enhanced (the form works without this file):
// - the body editor gets the accessible name of its label;
// - the 公开事项 list narrows to the obligations of the chosen 类别.
(function () {
  "use strict";

  function nameTheEditor() {
    var label = document.querySelector('label[for="id_body"]');
    var name = label ? label.textContent.replace(/[:：]\s*$/, "").trim() : "正文";
    var editors = document.querySelectorAll('.field-body [contenteditable="true"]');
    editors.forEach(function (editor) {
      if (!editor.hasAttribute("aria-label")) {
        editor.setAttribute("aria-label", name);
        editor.setAttribute("aria-multiline", "true");
      }
    });
    return editors.length > 0;
  }

  function narrowObligations() {
    var category = document.getElementById("id_category");
    var obligation = document.getElementById("id_obligation");
    if (!category || !obligation) {
      return;
    }
    var hint = document.getElementById("obligation-narrowed");
    function update() {
      var shown = 0;
      Array.prototype.forEach.call(obligation.options, function (option) {
        var belongs = !option.value || !category.value || option.dataset.category === category.value;
        option.hidden = !belongs;
        option.disabled = !belongs;
        if (belongs && option.value) {
          shown += 1;
        }
      });
      var selected = obligation.options[obligation.selectedIndex];
      if (selected && selected.disabled) {
        obligation.value = "";
      }
      if (hint) {
        hint.textContent = category.value ? "已按所选类别筛选，共 " + shown + " 项公开事项。" : "";
      }
    }
    category.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    narrowObligations();
    if (!nameTheEditor() && document.querySelector(".field-body")) {
      // The editor is built after the page loads: name it once it appears.
      var observer = new MutationObserver(function () {
        if (nameTheEditor()) {
          observer.disconnect();
        }
      });
      observer.observe(document.querySelector(".field-body"), { childList: true, subtree: true });
    }
  });
})();
