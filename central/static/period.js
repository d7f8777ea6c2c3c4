// The dashboard's period form: beside each date field, the chosen day written day/month/year (ngày/tháng/năm),
// so that 03/04 is never misread when the browser's own date field shows month/day (an English browser).
document.querySelectorAll("#period-form input[type=date]").forEach(function (input) {
  var said = document.createElement("span");
  said.className = "date-said";
  said.id = input.id + "-said";
  input.parentNode.appendChild(said);
  function show() {
    var v = input.value; // always yyyy-mm-dd, whatever the field shows
    said.textContent = v ? " = " + v.slice(8, 10) + "/" + v.slice(5, 7) + "/" + v.slice(0, 4) : "";
  }
  input.addEventListener("input", show);
  input.addEventListener("change", show);
  show();
});
