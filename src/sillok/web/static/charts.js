// The statistics page's charts (stats.html): the specifications come as JSON data in the page,
// the code from here, as the Content-Security-Policy allows no inline script.
const specs = JSON.parse(document.getElementById("chart-specs").textContent);
for (const [id, spec] of Object.entries(specs)) {
  // downloads: /data (CSV, JSON); the menu is not keyboard-accessible. Styles: Sillok's
  // stylesheet holds the tooltip's, as the policy allows no inline <style> either.
  // ast + the interpreter: expressions are read, not compiled with new Function, so the page
  // needs no 'unsafe-eval' (vendor/README.md).
  vegaEmbed("#" + id, spec, {actions: false, defaultStyle: false,
                             tooltip: {disableDefaultStyle: true}, ast: true,
                             expr: vegaInterpreter.expressionInterpreter});
}
