// The original file beside the extracted text (workspace.html, issue 18 point 7): a PDF drawn
// page by page with PDF.js (vendored, its worker from this site: no CDN), an image with zoom.
// A module of its own, as the Content-Security-Policy allows no inline script.
const box = document.getElementById("original");
const MAX_PAGES = 100; // a longer file is downloaded and read elsewhere

async function drawPdf() {
  const status = document.getElementById("pdf-status");
  const pages = document.getElementById("pdf-pages");
  try {
    const pdfjs = await import("/static/vendor/pdfjs/pdf.min.mjs");
    pdfjs.GlobalWorkerOptions.workerSrc = "/static/vendor/pdfjs/pdf.worker.min.mjs";
    // No eval (the policy forbids it) and nothing fetched from elsewhere.
    const doc = await pdfjs.getDocument({ url: box.dataset.url, isEvalSupported: false,
                                          withCredentials: true }).promise;
    const count = Math.min(doc.numPages, MAX_PAGES);
    for (let n = 1; n <= count; n += 1) {
      const page = await doc.getPage(n);
      const viewport = page.getViewport({ scale: 1.5 });
      const canvas = document.createElement("canvas");
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", `${pages.dataset.pageLabel} ${n}`);
      canvas.id = `original-page-${n}`;
      pages.appendChild(canvas);
      await page.render({ canvasContext: canvas.getContext("2d"), viewport }).promise;
    }
    status.textContent = `${count} / ${doc.numPages}`;
    status.dataset.done = "true";
  } catch (err) {
    status.textContent = String(err && err.message ? err.message : err);
    status.dataset.failed = "true";
  }
}

function zoomImage() {
  const img = document.getElementById("original-image");
  let scale = 1;
  const apply = () => {
    img.classList.toggle("zoomed", scale !== 1);
    img.style.width = scale === 1 ? "" : `${Math.round(img.naturalWidth * scale)}px`;
  };
  document.getElementById("zoom-in").addEventListener("click", () => { scale *= 1.25; apply(); });
  document.getElementById("zoom-out").addEventListener("click", () => { scale /= 1.25; apply(); });
  document.getElementById("zoom-fit").addEventListener("click", () => { scale = 1; apply(); });
}

if (box && box.dataset.kind === "pdf") drawPdf();
if (box && box.dataset.kind === "image") zoomImage();
