// The dry run uses whatever is in the mapping box, saved or not.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("dry-run-form");
  const spec = document.getElementById("spec");
  if (form && spec) form.addEventListener("submit", () => {
    document.getElementById("dry-run-mapping").value = spec.value;
  });
});
