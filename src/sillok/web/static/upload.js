// The upload page (upload.html); a file of its own, as the Content-Security-Policy allows
// no inline script.
// Dropped files go into the file input, so the form posts them like chosen ones.
const drop = document.getElementById("drop"), input = document.getElementById("files");
drop.addEventListener("dragover", (e) => { e.preventDefault(); });
drop.addEventListener("drop", (e) => { e.preventDefault(); input.files = e.dataTransfer.files; });
