// The statistics page's charts (stats.html): the specifications come as JSON data in the page,
// the code from here, as the Content-Security-Policy allows no inline script.
const specs = JSON.parse(document.getElementById("chart-specs").textContent);

// Save what the chart's view drew, under the chart's name: SVG as text, PNG from a canvas.
function save(url, filename) {
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
}

for (const [id, spec] of Object.entries(specs)) {
  // Downloads: the buttons below each chart (CSV is a link to the same figures on the
  // server). Styles: Sillok's stylesheet holds the tooltip's, as the policy allows no inline
  // <style> either. ast + the interpreter: expressions are read, not compiled with new
  // Function, so the page needs no 'unsafe-eval' (vendor/README.md).
  vegaEmbed("#" + id, spec, {actions: false, defaultStyle: false,
                             tooltip: {disableDefaultStyle: true}, ast: true,
                             expr: vegaInterpreter.expressionInterpreter})
    .then((result) => {
      for (const button of document.querySelectorAll(`button[data-chart="${id}"]`)) {
        const png = button.classList.contains("dl-png");
        button.hidden = false;
        button.addEventListener("click", () => {
          const name = button.dataset.name + (png ? ".png" : ".svg");
          if (png) {
            result.view.toImageURL("png", 2).then((url) => save(url, name));
          } else {
            result.view.toSVG().then((svg) => {
              const url = URL.createObjectURL(new Blob([svg], {type: "image/svg+xml"}));
              save(url, name);
              setTimeout(() => URL.revokeObjectURL(url), 1000);
            });
          }
        });
      }
    });
}
