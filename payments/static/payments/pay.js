// The pay form: 가상계좌 fields (현금영수증, refund account) only when 가상계좌 is chosen.
(function () {
  var form = document.querySelector("form[data-pay-form]");
  if (!form) return;
  var boxes = form.querySelectorAll("[data-for-method]");
  function sync() {
    var checked = form.querySelector("input[name=method]:checked");
    var method = checked ? checked.value : "card";
    boxes.forEach(function (box) {
      box.hidden = box.getAttribute("data-for-method") !== method;
    });
  }
  form.addEventListener("change", sync);
  sync();
})();
