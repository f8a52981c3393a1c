"""A local RFC 3161 timestamp authority and web server for the capture tests: a root and a
TSA certificate made here, OpenSSL's ``ts -reply`` answering each request (a real TSA
implementation, not a mock), and pages whose content the test can change."""

from __future__ import annotations

import datetime as dt
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

TS_CONFIG = """
[ tsa ]
default_tsa = tsa_config1
[ tsa_config1 ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _cert(subject: str, key: ec.EllipticCurvePrivateKey, issuer: str,
          issuer_key: ec.EllipticCurvePrivateKey, *, ca: bool) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
               .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(days=1))
               .not_valid_after(now + dt.timedelta(days=30))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ca:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
    else:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


@dataclass
class Site:
    base: str
    tsa_url: str
    root_pem: Path
    pages: dict[str, tuple[int, bytes]] = field(default_factory=dict)


@contextmanager
def serve() -> Iterator[Site]:
    with tempfile.TemporaryDirectory(prefix="sillok-tsa-") as tmp:
        d = Path(tmp)
        ca_key, tsa_key = ec.generate_private_key(ec.SECP256R1()), \
            ec.generate_private_key(ec.SECP256R1())
        ca = _cert("Sillok test root (fictional)", ca_key, "Sillok test root (fictional)",
                   ca_key, ca=True)
        tsa = _cert("Sillok test TSA (fictional)", tsa_key, "Sillok test root (fictional)",
                    ca_key, ca=False)
        (d / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
        (d / "tsa.pem").write_bytes(tsa.public_bytes(serialization.Encoding.PEM))
        (d / "tsa.key").write_bytes(_pem_key(tsa_key))
        (d / "serial").write_text("01\n")
        (d / "ts.cnf").write_text(TS_CONFIG.format(dir=d))
        pages: dict[str, tuple[int, bytes]] = {}
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                status, body = pages.get(self.path, (404, b"<html><body>gone</body></html>"))
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                query = self.rfile.read(int(self.headers["Content-Length"]))
                with lock:
                    (d / "req.tsq").write_bytes(query)
                    subprocess.run(["openssl", "ts", "-reply", "-config", str(d / "ts.cnf"),
                                    "-queryfile", str(d / "req.tsq"), "-out",
                                    str(d / "resp.tsr")], check=True, capture_output=True)
                    reply = (d / "resp.tsr").read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            yield Site(base, f"{base}/tsa", d / "ca.pem", pages)
        finally:
            server.shutdown()
            server.server_close()
