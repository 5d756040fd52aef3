// Progressive enhancement only: every page works without this script.
// Adds a "Copy" button to command blocks.
document.querySelectorAll(".copyable").forEach(function (box) {
  if (!navigator.clipboard) return;
  var b = document.createElement("button");
  b.type = "button";
  b.className = "copy";
  b.textContent = "Copy";
  b.addEventListener("click", function () {
    navigator.clipboard.writeText(box.querySelector("code").textContent).then(function () {
      b.textContent = "Copied";
      setTimeout(function () { b.textContent = "Copy"; }, 1500);
    });
  });
  box.appendChild(b);
});
